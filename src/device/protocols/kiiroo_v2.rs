//! Kiiroo v2 (Fleshlight Launch, Onyx 2): `[0x00]` on the firmware endpoint puts the toy in
//! command mode; a timed move is `[position, speed]`, the speed from the Launch curve.

use std::sync::Arc;

use crate::device::protocol::HardwareCommand;
use crate::hardware::Endpoint;

use super::packet_shapes::{Fixed, LaunchStroker, Shape};

pub(super) const KIIROO_V2: Fixed = Fixed::new(
    "kiiroo-v2",
    Shape::Custom(|_, _| Ok(Arc::new(LaunchStroker::new("kiiroo-v2", stroke, None)))),
)
.handshake(&[(Endpoint::Firmware, &[0x00], true)]);

fn stroke(position: u8, speed: u8) -> HardwareCommand {
    HardwareCommand::write(Endpoint::Tx, [position, speed], false)
}
