//! Cachito (Lure Tao, Ice Cream): feature i vibrates with `[0x02 + i, 0x01 + i, step, 0x00]`
//! on `tx`, without response.

use super::handler_kit::{feature_byte, vibrate_level};
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::protocol::OutputChange;

const NAME: &str = "cachito";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let step = vibrate_level(NAME, change)?;
    Ok(vec![
        feature_byte(change, 2)?,
        feature_byte(change, 1)?,
        step,
        0x00,
    ])
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
