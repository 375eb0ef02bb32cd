//! Svakom v6 (Coco Pro, Echo 2, Vick Neo 2, Iker Neo, BeYourLover Naughty Clock): the
//! 7-byte motor-pair packet (both selected on single-motor toys), and a third motor as
//! `[0x55, 0x07, 0x00, 0x00, on, s, 0x00]`.
//!
//! The v5 configuration's Klitty declares constrict and rotate, which this protocol has no
//! packets for; they are refused.

use super::handler_kit::{step_byte, unsupported};
use super::svakom_common::SvakomPair;
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::OutputChange;

const NAME: &str = "svakom-v6";

fn third_motor(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    match (change.output, change.feature) {
        (OutputType::Vibrate, 2) => {
            let s = step_byte(change)?;
            Ok(vec![0x55, 0x07, 0x00, 0x00, u8::from(s > 0), s, 0x00])
        }
        _ => Err(unsupported(NAME, change)),
    }
}

pub(super) const PROTOCOL: SvakomPair = SvakomPair {
    name: NAME,
    trailing_zero: true,
    single_selects_both: true,
    other: Some(third_motor),
};
