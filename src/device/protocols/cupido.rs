//! Cupido: `[0xB0, 0x03, 0, 0, 0, step, 0xAA]` on `tx`, without response.

use super::handler_kit::vibrate_level;
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::protocol::OutputChange;

const NAME: &str = "cupido";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let step = vibrate_level(NAME, change)?;
    Ok(vec![0xB0, 0x03, 0x00, 0x00, 0x00, step, 0xAA])
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
