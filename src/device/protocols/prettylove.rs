//! Pretty Love (Aogu BLE toys): `[0x00, level]` on `tx`, written with response.

use super::handler_kit::vibrate_level;
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::protocol::OutputChange;

const NAME: &str = "prettylove";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    Ok(vec![0x00, vibrate_level(NAME, change)?])
}

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Packets(PacketPerOutput::tx(encode).with_response()),
);
