//! MaxPro 2: `55 04 07 FF FF 3F s 5F s` and the byte sum of those nine, to `tx` without
//! response.

use super::handler_kit::vibrate_level;
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::protocol::OutputChange;

const NAME: &str = "maxpro";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let s = vibrate_level(NAME, change)?;
    let mut packet = vec![0x55, 0x04, 0x07, 0xFF, 0xFF, 0x3F, s, 0x5F, s];
    let sum = packet.iter().fold(0u8, |sum, b| sum.wrapping_add(*b));
    packet.push(sum);
    Ok(packet)
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
