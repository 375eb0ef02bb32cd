//! Svakom v5 (Chika, Mora Neo, Trysta Neo, Mini Emma Neo): the 6-byte motor-pair packet
//! (a single-motor toy still selects motor 0 alone), and oscillation as
//! `[0x55, 0x09, 0x00, 0x00, s, 0x00]`.

use super::handler_kit::{step_byte, unsupported};
use super::svakom_common::SvakomPair;
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::OutputChange;

const NAME: &str = "svakom-v5";

fn oscillation(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    match change.output {
        OutputType::Oscillate => Ok(vec![0x55, 0x09, 0x00, 0x00, step_byte(change)?, 0x00]),
        _ => Err(unsupported(NAME, change)),
    }
}

pub(super) const PROTOCOL: SvakomPair = SvakomPair {
    name: NAME,
    trailing_zero: false,
    single_selects_both: false,
    other: Some(oscillation),
};
