//! Nexus Revo: vibration `AA 01 01 00 01 s` and rotation `AA 01 02 00 r 00` to `tx` with
//! response, where r is the rotation speed (0..2) plus 2 when turning clockwise.

use super::handler_kit::{step_byte, unsupported};
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::OutputChange;

const NAME: &str = "nexus-revo";
/// Rotation speeds: the byte keeps 1..2 for one way and 3..4 for the other.
const ROTATE_STEPS: i32 = 2;

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    match change.output {
        OutputType::Vibrate => Ok(vec![0xAA, 0x01, 0x01, 0x00, 0x01, step_byte(change)?]),
        OutputType::Rotate => {
            let v = change.value;
            if v.abs() > ROTATE_STEPS {
                return Err(DeviceError::ValueOutOfRange {
                    feature: change.feature,
                    output: change.output,
                    value: v,
                    lo: -ROTATE_STEPS,
                    hi: ROTATE_STEPS,
                });
            }
            let r = if v > 0 { v + ROTATE_STEPS } else { -v };
            Ok(vec![0xAA, 0x01, 0x02, 0x00, r as u8, 0x00])
        }
        _ => Err(unsupported(NAME, change)),
    }
}

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Packets(PacketPerOutput::tx(encode).with_response()),
);
