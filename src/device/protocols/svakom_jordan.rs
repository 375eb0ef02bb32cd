//! Svakom Jordan: the 7-byte Svakom motor-pair packet for its one vibrator (both motors
//! selected), and oscillation as `[0x55, 0x08, 0x00, 0x00, on, s, 0x00]`, all on `tx`
//! without response.

use super::handler_kit::{step_byte, unsupported};
use super::svakom_common::SvakomPair;
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::OutputChange;

const NAME: &str = "svakom-jordan";

fn oscillation(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    match change.output {
        OutputType::Oscillate => {
            let s = step_byte(change)?;
            Ok(vec![0x55, 0x08, 0x00, 0x00, u8::from(s > 0), s, 0x00])
        }
        _ => Err(unsupported(NAME, change)),
    }
}

pub(super) const PROTOCOL: SvakomPair = SvakomPair {
    name: NAME,
    trailing_zero: true,
    single_selects_both: true,
    on_flag: 0x01,
    other: Some(oscillation),
};
