//! Picobong: `[0x01, mode, level]`, mode 0xFF when off.

use crate::device::error::DeviceError;
use crate::device::protocol::{HardwareCommand, OutputChange};
use crate::hardware::Endpoint;

use super::handler_kit::{one_write, vibrate_level};
use super::packet_shapes::{Fixed, Shape};

pub(super) const PICOBONG: Fixed = Fixed::new("picobong", Shape::EachChange(encode));

fn encode(c: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
    let level = vibrate_level("picobong", c)?;
    let mode = if level == 0 { 0xFF } else { 0x01 };
    one_write(Endpoint::Tx, [0x01, mode, level], false)
}
