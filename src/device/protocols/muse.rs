//! Muse (the Mu Se app: Dream Lover Archer 2, Galaku Panty Vib): `[speed, 0x01]` or
//! `[0x00, 0x00]` to `tx` without response. There is no public implementation: this follows
//! the Buttplug project's protocol notes (a speed holds for about a second, so the last
//! packet is repeated every 500 ms); the non-zero second byte is plugwire's choice.

use std::time::Duration;

use super::handler_kit::{step_up_to, unsupported};
use super::packet_shapes::{Fixed, PacketHandler, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{Keepalive, OutputChange};

const NAME: &str = "muse";
const KEEPALIVE: Duration = Duration::from_millis(500);
/// Any non-zero second byte makes the first a speed (zero would make it a pattern).
const SPEED_MODE: u8 = 0x01;

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    if change.output != OutputType::Vibrate {
        return Err(unsupported(NAME, change));
    }
    // Speeds go up to 0x0F.
    Ok(match step_up_to(change, 0x0F)? {
        0 => vec![0x00, 0x00],
        speed => vec![speed, SPEED_MODE],
    })
}

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, _| {
        Ok(PacketHandler::packets(PacketPerOutput::tx(encode))
            .keepalive(Keepalive::RepeatLast(KEEPALIVE))
            .shared())
    }),
);
