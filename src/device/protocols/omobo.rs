//! Omobo ViVegg: `A1 04 04 01 s FF 55` to `tx` with response.

use super::handler_kit::vibrate_level;
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::protocol::OutputChange;

const NAME: &str = "omobo";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    Ok(vec![
        0xA1,
        0x04,
        0x04,
        0x01,
        vibrate_level(NAME, change)?,
        0xFF,
        0x55,
    ])
}

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Packets(PacketPerOutput::tx(encode).with_response()),
);
