//! ManNuo: `AA 55 06 01 01 01 s FA` and the XOR of those eight bytes, to `tx` with
//! response.

use super::handler_kit::vibrate_level;
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::protocol::OutputChange;

const NAME: &str = "mannuo";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let mut packet = vec![
        0xAA,
        0x55,
        0x06,
        0x01,
        0x01,
        0x01,
        vibrate_level(NAME, change)?,
        0xFA,
    ];
    let check = packet.iter().fold(0, |x, b| x ^ b);
    packet.push(check);
    Ok(packet)
}

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Packets(PacketPerOutput::tx(encode).with_response()),
);
