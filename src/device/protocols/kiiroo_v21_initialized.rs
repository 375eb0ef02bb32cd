//! Kiiroo v2.1 "initialized" (Keon, Onyx+, Onyx 2.1): two moves at full speed on connect
//! (to 25, then back to 0); a timed move is `[0x03, 0x00, speed, position]` with the speed
//! from the Launch curve, and a vibrator level `[0x01, level]`.

use std::sync::Arc;

use crate::device::error::DeviceError;
use crate::device::protocol::{HardwareCommand, OutputChange};
use crate::hardware::Endpoint;

use super::handler_kit::{one_write, vibrate_level};
use super::packet_shapes::{Fixed, LaunchStroker, Shape};

pub(super) const KIIROO_V21_INITIALIZED: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, _| Ok(Arc::new(LaunchStroker::new(NAME, stroke, Some(vibrate))))),
)
.handshake(&[
    (Endpoint::Tx, &[0x03, 0x00, 0x64, 0x19], true),
    (Endpoint::Tx, &[0x03, 0x00, 0x64, 0x00], true),
]);

const NAME: &str = "kiiroo-v21-initialized";

fn stroke(position: u8, speed: u8) -> HardwareCommand {
    HardwareCommand::write(Endpoint::Tx, [0x03, 0x00, speed, position], false)
}

fn vibrate(c: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
    one_write(Endpoint::Tx, [0x01, vibrate_level(NAME, c)?], false)
}
