//! Next Level Racing HF8 haptic pad, on a serial port a user configuration names: `M`, the
//! motor's index and its speed (0..255) in decimal, then CR.

use super::handler_kit::{step_byte, unsupported};
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::OutputChange;

const NAME: &str = "nextlevelracing";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    if change.output != OutputType::Vibrate {
        return Err(unsupported(NAME, change));
    }
    let speed = step_byte(change)?;
    Ok(format!("M{}{speed}\r", change.feature).into_bytes())
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
