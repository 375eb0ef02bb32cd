//! Svakom Alex Neo 2: `[0x55, 0x03, 0x03, 0x00, level, level + 5]` on `tx`, without
//! response (a stopped toy gets `[.., 0x00, 0x05]`).

use super::handler_kit::{byte, vibrate_level};
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::protocol::OutputChange;

const NAME: &str = "svakom-alex-v2";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let level = vibrate_level(NAME, change)?;
    Ok(vec![
        0x55,
        0x03,
        0x03,
        0x00,
        level,
        byte(i32::from(level) + 5)?,
    ])
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
