//! ToyCod Tara X: 6-byte packets on `tx` without response.
//! - feature 0 (internal vibrator): `[0x55, 0x03, 0x00, 0x00, s, 0x02]`, off `[.., 0x01, 0x01]`
//! - feature 1 (external pulsator): `[0x55, 0x09, 0x00, 0x00, s, 0x00]`

use super::handler_kit::{step_byte, unsupported};
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::OutputChange;

const NAME: &str = "svakom-tarax";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let s = step_byte(change)?;
    match (change.output, change.feature) {
        (OutputType::Vibrate, 0) if s == 0 => Ok(vec![0x55, 0x03, 0x00, 0x00, 0x01, 0x01]),
        (OutputType::Vibrate, 0) => Ok(vec![0x55, 0x03, 0x00, 0x00, s, 0x02]),
        (OutputType::Vibrate, _) => Ok(vec![0x55, 0x09, 0x00, 0x00, s, 0x00]),
        _ => Err(unsupported(NAME, change)),
    }
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
