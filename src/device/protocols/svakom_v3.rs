//! Svakom v3 (Phoenix Neo 2, Hannes Neo, Alberta, Fantasy Cup Theodore): one 6-byte packet
//! per feature to `tx`, without response.
//! - vibrate, feature 0: `[0x55, 0x03, 0x03, 0x00, on, s]`
//! - vibrate, other features (Alberta's suction lens): `[0x55, 0x09, 0x00, 0x00, on, s]`
//! - rotate (Theodore, 0..1): `[0x55, 0x08, 0x00, 0x00, s, 0xFF]`

use super::handler_kit::{step_byte, unsupported};
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::OutputChange;

const NAME: &str = "svakom-v3";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let s = step_byte(change)?;
    let on = u8::from(s > 0);
    match (change.output, change.feature) {
        (OutputType::Vibrate, 0) => Ok(vec![0x55, 0x03, 0x03, 0x00, on, s]),
        (OutputType::Vibrate, _) => Ok(vec![0x55, 0x09, 0x00, 0x00, on, s]),
        (OutputType::Rotate, _) => Ok(vec![0x55, 0x08, 0x00, 0x00, s, 0xFF]),
        _ => Err(unsupported(NAME, change)),
    }
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
