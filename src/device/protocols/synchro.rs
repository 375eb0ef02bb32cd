//! Synchro: rotation as `[0xA1, 0x01, b, 0x77, 0x55]` on `tx` without response, b = the
//! speed with bit 7 set for counter-clockwise (a negative value).

use super::handler_kit::{byte, unsupported};
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::OutputChange;

const NAME: &str = "synchro";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    if change.output != OutputType::Rotate {
        return Err(unsupported(NAME, change));
    }
    let speed = byte(change.value.abs())?;
    let direction = if change.value < 0 { 0x80 } else { 0x00 };
    Ok(vec![0xA1, 0x01, speed | direction, 0x77, 0x55])
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
