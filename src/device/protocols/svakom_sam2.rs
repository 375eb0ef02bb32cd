//! Svakom Sam Neo 2 (and Pro): 7-byte packets on `tx`, written with response.
//! - vibrate: `[0x55, 0x03, 0x00, 0x00, m, s, 0x00]`, m = 0x05 while running, else 0x00
//! - constrict (suction): `[0x55, 0x09, 0x00, 0x00, on, s, 0x00]`

use super::handler_kit::{step_byte, unsupported};
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::OutputChange;

const NAME: &str = "svakom-sam2";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let s = step_byte(change)?;
    let running = s > 0;
    match change.output {
        OutputType::Vibrate => Ok(vec![
            0x55,
            0x03,
            0x00,
            0x00,
            0x05 * u8::from(running),
            s,
            0x00,
        ]),
        OutputType::Constrict => Ok(vec![0x55, 0x09, 0x00, 0x00, u8::from(running), s, 0x00]),
        _ => Err(unsupported(NAME, change)),
    }
}

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Packets(PacketPerOutput::tx(encode).with_response()),
);
