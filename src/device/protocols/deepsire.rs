//! DeepSire (Kuirkish Imp 3): `[0x55, 0x04, 0x01, 0, 0, step, 0xAA]` on `tx`, without
//! response.

use super::handler_kit::vibrate_level;
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::protocol::OutputChange;

const NAME: &str = "deepsire";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let step = vibrate_level(NAME, change)?;
    Ok(vec![0x55, 0x04, 0x01, 0x00, 0x00, step, 0xAA])
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
