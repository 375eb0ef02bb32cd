//! Realov: `[0xC5, 0x55, level, 0xAA]` on `tx`, without response.

use super::handler_kit::vibrate_level;
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::protocol::OutputChange;

const NAME: &str = "realov";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    Ok(vec![0xC5, 0x55, vibrate_level(NAME, change)?, 0xAA])
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
