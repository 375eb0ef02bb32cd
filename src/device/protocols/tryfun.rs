//! TryFun (Yuan series, Surge Pro): packets on `tx`, written with response.
//! - oscillate / rotate: `[0xAA, 0x02, K, s, c]`, K = 0x07 / 0x08, c = 0xFF - (0x02 + K + s) + 3
//! - vibrate (Surge Pro): `[0x00, 0x02, 0x00, 0x05, a, b, 0x01, off, 0xFD - max(s, 1)]`, where
//!   running is `a = 2, b = s, off = 0` and stopped `a = 1, b = 2, off = 1`

use super::handler_kit::{step_byte, unsupported};
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::OutputChange;

const NAME: &str = "tryfun";

fn motor(kind: u8, s: u8) -> Vec<u8> {
    let check = 0xFFu8
        .wrapping_sub(0x02)
        .wrapping_sub(kind)
        .wrapping_sub(s)
        .wrapping_add(3);
    vec![0xAA, 0x02, kind, s, check]
}

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let s = step_byte(change)?;
    match change.output {
        OutputType::Oscillate => Ok(motor(0x07, s)),
        OutputType::Rotate => Ok(motor(0x08, s)),
        OutputType::Vibrate => {
            let (a, b, off) = if s == 0 { (1, 2, 1) } else { (2, s, 0) };
            Ok(vec![
                0x00,
                0x02,
                0x00,
                0x05,
                a,
                b,
                0x01,
                off,
                0xFD - s.max(1),
            ])
        }
        _ => Err(unsupported(NAME, change)),
    }
}

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Packets(PacketPerOutput::tx(encode).with_response()),
);
