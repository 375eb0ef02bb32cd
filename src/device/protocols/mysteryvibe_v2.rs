//! MysteryVibe v2 (Tenuto Mini, Crescendo 2, Tenuto 2, Legato, Molto): `[0x03, 0x02, 0x40]`
//! to `txmode` (with response) on connect, then one byte per motor (steps 0..56) to
//! `txvibrate`, without response, every motor in every packet. The toy stops unless it
//! keeps hearing from the host: the last packet is repeated every 93 ms (all zeros until
//! the first command).

use std::time::Duration;

use super::handler_kit::{bytes_of, one_write};
use super::packet_shapes::{Fixed, PacketHandler, Shape, Slots};
use crate::device::feature::OutputType;
use crate::device::protocol::Keepalive;
use crate::hardware::Endpoint;

const NAME: &str = "mysteryvibe-v2";
const MODE: [u8; 3] = [0x03, 0x02, 0x40];
const KEEPALIVE: Duration = Duration::from_millis(93);

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, definition| {
        let slots = Slots::of(definition, &[OutputType::Vibrate]);
        Ok(PacketHandler::all_motors(NAME, slots, |values| {
            one_write(Endpoint::TxVibrate, bytes_of(values)?, false)
        })
        .keepalive(Keepalive::RepeatLast(KEEPALIVE))
        .shared())
    }),
)
.handshake(&[(Endpoint::TxMode, &MODE, true)]);
