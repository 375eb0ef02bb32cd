//! Meese (Tera, Modo): `[0x01, 0x80, 0x01 + feature, step]` to `tx` with response, one
//! packet per motor.

use super::handler_kit::{feature_byte, vibrate_level};
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::protocol::OutputChange;

const NAME: &str = "meese";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    Ok(vec![
        0x01,
        0x80,
        feature_byte(change, 1)?,
        vibrate_level(NAME, change)?,
    ])
}

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Packets(PacketPerOutput::tx(encode).with_response()),
);
