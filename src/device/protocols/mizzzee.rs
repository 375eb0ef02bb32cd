//! Mizz Zee (NFY008): `69 96 03 01 on s` to `tx` without response; `on` is 0 only when
//! the step is.

use super::handler_kit::vibrate_level;
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::protocol::OutputChange;

const NAME: &str = "mizzzee";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let s = vibrate_level(NAME, change)?;
    Ok(vec![0x69, 0x96, 0x03, 0x01, u8::from(s != 0), s])
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
