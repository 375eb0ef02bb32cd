//! Zemalia Dice for Love: `[0x55, 0x04, 0x00, 0x00, 0x01, level, 0xAA]` on `tx`, without
//! response (the 0x01 stays at level 0).

use super::handler_kit::vibrate_level;
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::protocol::OutputChange;

const NAME: &str = "svakom-dice";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let level = vibrate_level(NAME, change)?;
    Ok(vec![0x55, 0x04, 0x00, 0x00, 0x01, level, 0xAA])
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
