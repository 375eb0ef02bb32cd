//! Mizz Zee v2 (XHT): `69 96 04 02 s 2C s` to `tx` without response.

use super::handler_kit::vibrate_level;
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::protocol::OutputChange;

const NAME: &str = "mizzzee-v2";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let s = vibrate_level(NAME, change)?;
    Ok(vec![0x69, 0x96, 0x04, 0x02, s, 0x2C, s])
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
