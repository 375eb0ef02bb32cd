//! Amorelie Joy (Shimmer, Move, Grow, ...): `[0x03]` to `tx` on connect, then vibrate as
//! `[0x01, 0x01, s]` (header, steady pattern, step 0..100), all without response.

use super::handler_kit::{step_byte, unsupported};
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::OutputChange;
use crate::hardware::Endpoint;

const NAME: &str = "amorelie-joy";

const STEADY_PATTERN: u8 = 0x01;

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    match change.output {
        OutputType::Vibrate => Ok(vec![0x01, STEADY_PATTERN, step_byte(change)?]),
        _ => Err(unsupported(NAME, change)),
    }
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)))
    .handshake(&[(Endpoint::Tx, &[0x03], false)]);
