//! Svakom Alex Neo: `[0x12, 0x01, 0x03, 0x00, level, 0x00]` on `tx`, without response,
//! with level 0 sent as 0xFF (off).

use super::handler_kit::vibrate_level;
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::protocol::OutputChange;

const NAME: &str = "svakom-alex";
const OFF: u8 = 0xFF;

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let level = match vibrate_level(NAME, change)? {
        0 => OFF,
        s => s,
    };
    Ok(vec![0x12, 0x01, 0x03, 0x00, level, 0x00])
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
