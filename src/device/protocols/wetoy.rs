//! WeToy MiNa: `[0x80, 0x03]` (off) on connect, then `[0xB2, s - 1]` for a running motor
//! and `[0x80, 0x03]` for off, all on `tx` with response.

use super::handler_kit::vibrate_level;
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::protocol::OutputChange;
use crate::hardware::Endpoint;

const NAME: &str = "wetoy";
const OFF: [u8; 2] = [0x80, 0x03];

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    match vibrate_level(NAME, change)? {
        0 => Ok(OFF.to_vec()),
        s => Ok(vec![0xB2, s - 1]),
    }
}

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Packets(PacketPerOutput::tx(encode).with_response()),
)
.handshake(&[(Endpoint::Tx, &OFF, true)]);
