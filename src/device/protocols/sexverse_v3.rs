//! Sexverse v3 (Tay 1, 6, 9, Zeus): `[0xA1, 0x04, s, index + 1]` per feature to `tx`,
//! written with response. The toy stops unless it keeps hearing from the host: the last
//! packets are repeated every 100 ms (stop packets until the first command).
//!
//! The Zeus declares its second feature as oscillate, which the reference handler leaves
//! unhandled; here it gets the same packet as a second motor (unverified on hardware).

use std::time::Duration;

use super::handler_kit::{feature_byte, step_byte, unsupported};
use super::packet_shapes::{Fixed, PacketHandler, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{Keepalive, OutputChange};

const NAME: &str = "sexverse-v3";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    match change.output {
        OutputType::Vibrate | OutputType::Rotate | OutputType::Oscillate => {
            let motor = feature_byte(change, 1)?;
            Ok(vec![0xA1, 0x04, step_byte(change)?, motor])
        }
        _ => Err(unsupported(NAME, change)),
    }
}

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, _| {
        Ok(
            PacketHandler::packets(PacketPerOutput::tx(encode).with_response())
                .keepalive(Keepalive::RepeatLast(Duration::from_millis(100)))
                .shared(),
        )
    }),
);
