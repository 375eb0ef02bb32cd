//! Love Distance: `[0xF3, 0x00, level]` on `tx` (without response), after an init of
//! motor-off and `[0xF4, 0x01]`.

use super::handler_kit::{byte, one_write, unsupported};
use super::packet_shapes::{Fixed, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{HardwareCommand, OutputChange};
use crate::hardware::Endpoint;

const NAME: &str = "lovedistance";

fn encode(c: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
    match c.output {
        OutputType::Vibrate => one_write(Endpoint::Tx, [0xF3, 0x00, byte(c.value)?], false),
        _ => Err(unsupported(NAME, c)),
    }
}

pub fn protocol() -> Fixed {
    Fixed::new(NAME, Shape::EachChange(encode)).handshake(&[
        (Endpoint::Tx, &[0xF3, 0x00, 0x00], false),
        (Endpoint::Tx, &[0xF4, 0x01], false),
    ])
}
