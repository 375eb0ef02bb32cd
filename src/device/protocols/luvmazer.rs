//! Luvmazer (Finger Magic, Cat Paw, Cock Ring, Interstellar, Dildo): one 6-byte packet
//! per feature to `tx`, without response, the step in the last byte:
//! - vibrate `[0xA0, 0x01, 0x00, index, 0x64, s]` (the feature index selects the motor)
//! - rotate `[0xA0, 0x0F, 0x00, 0x00, 0x64, s]`
//! - oscillate `[0xA0, 0x06, 0x01, 0x00, 0x64, s]`
//! - constrict `[0xA0, 0x0D, 0x00, 0x00, L, s]`, L = 0x14 while constricting, else 0

use super::handler_kit::{feature_byte, step_byte, unsupported};
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::OutputChange;

const NAME: &str = "luvmazer";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let s = step_byte(change)?;
    match change.output {
        OutputType::Vibrate => {
            let motor = feature_byte(change, 0)?;
            Ok(vec![0xA0, 0x01, 0x00, motor, 0x64, s])
        }
        OutputType::Rotate => Ok(vec![0xA0, 0x0F, 0x00, 0x00, 0x64, s]),
        OutputType::Oscillate => Ok(vec![0xA0, 0x06, 0x01, 0x00, 0x64, s]),
        OutputType::Constrict => {
            let level = if s == 0 { 0x00 } else { 0x14 };
            Ok(vec![0xA0, 0x0D, 0x00, 0x00, level, s])
        }
        _ => Err(unsupported(NAME, change)),
    }
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
