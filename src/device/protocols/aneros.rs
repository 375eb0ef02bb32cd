//! Aneros: each motor has its own command byte, `[0xF1 + feature, level]`.

use crate::device::error::DeviceError;
use crate::device::protocol::{HardwareCommand, OutputChange};
use crate::hardware::Endpoint;

use super::handler_kit::{one_write, unsupported, vibrate_level};
use super::packet_shapes::{Fixed, Shape};

pub(super) const ANEROS: Fixed = Fixed::new("aneros", Shape::EachChange(encode));

fn encode(c: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
    let level = vibrate_level("aneros", c)?;
    let command = u8::try_from(c.feature)
        .ok()
        .and_then(|f| 0xF1u8.checked_add(f))
        .ok_or_else(|| unsupported("aneros", c))?;
    one_write(Endpoint::Tx, [command, level], false)
}
