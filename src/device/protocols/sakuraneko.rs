//! Sakuraneko (Korokoro, Nukunuku, Dokidoki, Koikoi): one 12-byte packet per feature to
//! `tx`, without response, the step at byte 7; vibrate and rotate differ in bytes 0 and 9.
//! The trailing `DF 55` is constant.

use super::handler_kit::{step_byte, unsupported};
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::OutputChange;

const NAME: &str = "sakuraneko";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let (kind, tail) = match change.output {
        OutputType::Vibrate => (0xA1, 0x64),
        OutputType::Rotate => (0xA2, 0x32),
        _ => return Err(unsupported(NAME, change)),
    };
    let s = step_byte(change)?;
    Ok(vec![
        kind, 0x08, 0x01, 0x00, 0x00, 0x00, 0x64, s, 0x00, tail, 0xDF, 0x55,
    ])
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
