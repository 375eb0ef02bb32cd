//! Svakom Ava Neo: one 6-byte packet per change on `tx`, without response.
//! - feature 0 (vibrate, or oscillate): `[0x55, 0x03, 0x00, 0x00, on, s]`
//! - other features: vibrate `[0x55, 0x09, 0x00, 0x00, s, 0xFF]`, oscillate (the toy's
//!   on/off thrust, feature 1) `[0x55, 0x08, 0x00, 0x00, s, 0xFF]`

use super::handler_kit::{step_byte, unsupported};
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::OutputChange;

const NAME: &str = "svakom-avaneo";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let s = step_byte(change)?;
    match (change.output, change.feature) {
        (OutputType::Vibrate | OutputType::Oscillate, 0) => {
            Ok(vec![0x55, 0x03, 0x00, 0x00, u8::from(s != 0), s])
        }
        (OutputType::Vibrate, _) => Ok(vec![0x55, 0x09, 0x00, 0x00, s, 0xFF]),
        (OutputType::Oscillate, _) => Ok(vec![0x55, 0x08, 0x00, 0x00, s, 0xFF]),
        _ => Err(unsupported(NAME, change)),
    }
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
