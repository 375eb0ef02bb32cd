//! Youcups Warrior II: ASCII `$SYS,<step>?` on `tx` without response.

use super::handler_kit::vibrate_level;
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::protocol::OutputChange;

const NAME: &str = "youcups";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    Ok(format!("$SYS,{}?", vibrate_level(NAME, change)?).into_bytes())
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
