//! Svakom v1: `[0x55, 0x04, 0x03, 0x00, on, level]`.

use crate::device::error::DeviceError;
use crate::device::protocol::{HardwareCommand, OutputChange};
use crate::hardware::Endpoint;

use super::handler_kit::{one_write, vibrate_level};
use super::packet_shapes::{Fixed, Shape};

pub(super) const SVAKOM_V1: Fixed = Fixed::new("svakom-v1", Shape::EachChange(encode));

fn encode(c: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
    let level = vibrate_level("svakom-v1", c)?;
    let on = u8::from(level != 0);
    one_write(Endpoint::Tx, [0x55, 0x04, 0x03, 0x00, on, level], false)
}
