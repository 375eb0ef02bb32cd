//! Fox: `[0x03, 0x01, 0x01, 0xFE, step]` on `tx`, without response.

use super::handler_kit::vibrate_level;
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::protocol::OutputChange;

const NAME: &str = "fox";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let step = vibrate_level(NAME, change)?;
    Ok(vec![0x03, 0x01, 0x01, 0xFE, step])
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
