//! Sexverse v5 (Heart, Hannibal Kona): `[0xAA, 0x03, 0x03, level, 0x00, 0x00, 0x00]` on
//! `tx`, without response.

use super::handler_kit::vibrate_level;
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::protocol::OutputChange;

const NAME: &str = "sexverse-v5";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let level = vibrate_level(NAME, change)?;
    Ok(vec![0xAA, 0x03, 0x03, level, 0x00, 0x00, 0x00])
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
