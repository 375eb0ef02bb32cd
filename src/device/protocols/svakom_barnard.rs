//! Fantasy Cup Barnard: one 6-byte packet per change on `tx`, without response:
//! vibrate `[0x55, 0x03, 0x00, 0x00, s, on]` (on = 0x01), oscillate
//! `[0x55, 0x08, 0x00, 0x00, s, on]` (on = 0xFF); `on` is 0x00 at step 0.

use super::handler_kit::{step_byte, unsupported};
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::OutputChange;

const NAME: &str = "svakom-barnard";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let (function, on) = match change.output {
        OutputType::Vibrate => (0x03, 0x01),
        OutputType::Oscillate => (0x08, 0xFF),
        _ => return Err(unsupported(NAME, change)),
    };
    let s = step_byte(change)?;
    Ok(vec![
        0x55,
        function,
        0x00,
        0x00,
        s,
        if s == 0 { 0x00 } else { on },
    ])
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
