//! iToys: six-byte packets per output kind, `[0xA0, kind, ...]`. Rotation speed only: the
//! toy takes no direction.

use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{HardwareCommand, OutputChange};
use crate::hardware::Endpoint;

use super::handler_kit::{byte, one_write, unsupported};
use super::packet_shapes::{Fixed, Shape};

pub(super) const ITOYS: Fixed = Fixed::new("itoys", Shape::EachChange(encode));

fn encode(c: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
    let level = byte(c.value.abs())?;
    let on = u8::from(level != 0);
    let packet = match c.output {
        OutputType::Vibrate => [0xA0, 0x01, 0x00, 0x00, level, 0xFF],
        OutputType::Oscillate => [0xA0, 0x06, on, 0x00, on, level],
        OutputType::Rotate => [0xA0, 0x08, on, 0x00, level, on * 0xFF],
        _ => return Err(unsupported("itoys", c)),
    };
    one_write(Endpoint::Tx, packet, false)
}
