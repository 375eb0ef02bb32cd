//! Sexverse v4: `[0xBB, 0x01, level, 0x66]`.

use crate::device::error::DeviceError;
use crate::device::protocol::{HardwareCommand, OutputChange};
use crate::hardware::Endpoint;

use super::handler_kit::{one_write, vibrate_level};
use super::packet_shapes::{Fixed, Shape};

pub(super) const SEXVERSE_V4: Fixed = Fixed::new("sexverse-v4", Shape::EachChange(encode));

fn encode(c: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
    let level = vibrate_level("sexverse-v4", c)?;
    one_write(Endpoint::Tx, [0xBB, 0x01, level, 0x66], true)
}
