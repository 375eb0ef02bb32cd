//! Sexverse v2: after `[0xAA, 0x04]` on connect, each motor (feature index + 1) takes
//! `[0xAA, 0x03, 0x01, motor, 0x64, level]`, whether it vibrates or oscillates.

use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{HardwareCommand, OutputChange};
use crate::hardware::Endpoint;

use super::handler_kit::{byte, one_write, unsupported};
use super::packet_shapes::{Fixed, Shape};

pub(super) const SEXVERSE_V2: Fixed = Fixed::new("sexverse-v2", Shape::EachChange(encode))
    .handshake(&[(Endpoint::Tx, &[0xAA, 0x04], true)]);

fn encode(c: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
    let motor = u8::try_from(c.feature + 1)
        .ok()
        .filter(|_| matches!(c.output, OutputType::Vibrate | OutputType::Oscillate))
        .ok_or_else(|| unsupported("sexverse-v2", c))?;
    let level = byte(c.value)?;
    one_write(Endpoint::Tx, [0xAA, 0x03, 0x01, motor, 0x64, level], true)
}
