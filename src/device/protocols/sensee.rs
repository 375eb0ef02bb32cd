//! Sensee (Diandou Rabbit): a fixed frame `55 AA F0 01 01 0B 65 F7 01 01` followed by the
//! level, on `tx`, without response.

use super::handler_kit::vibrate_level;
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::protocol::OutputChange;

const NAME: &str = "sensee";
const FRAME: [u8; 10] = [0x55, 0xAA, 0xF0, 0x01, 0x01, 0x0B, 0x65, 0xF7, 0x01, 0x01];

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let mut packet = FRAME.to_vec();
    packet.push(vibrate_level(NAME, change)?);
    Ok(packet)
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
