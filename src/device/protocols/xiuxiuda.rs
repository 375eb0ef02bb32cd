//! Xiuxiuda: `[0x00, 0x00, 0x00, 0x00, 0x65, 0x3A, 0x30, s, 0x64]` on `tx` without response.

use super::handler_kit::vibrate_level;
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::protocol::OutputChange;

const NAME: &str = "xiuxiuda";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let s = vibrate_level(NAME, change)?;
    Ok(vec![0x00, 0x00, 0x00, 0x00, 0x65, 0x3A, 0x30, s, 0x64])
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
