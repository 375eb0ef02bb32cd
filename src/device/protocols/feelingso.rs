//! FeelingSo (Flair Feel): vibrator and oscillator share one packet,
//! `[0xAA, 0x40, 0x03, vibrate, oscillate, 0x14, 0x19]` on `tx` without response (the last
//! two bytes are constant: oscillation range and a check byte that does not vary).

use super::handler_kit::{bytes_of, one_write};
use super::packet_shapes::{Fixed, PacketHandler, Shape, Slots};
use crate::device::feature::OutputType;
use crate::hardware::Endpoint;

const NAME: &str = "feelingso";
const HEADER: [u8; 3] = [0xAA, 0x40, 0x03];
const TRAILER: [u8; 2] = [0x14, 0x19];

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, definition| {
        let slots =
            Slots::of(definition, &[OutputType::Vibrate, OutputType::Oscillate]).at_least(2);
        Ok(PacketHandler::all_motors(NAME, slots, |values| {
            let mut packet = HEADER.to_vec();
            packet.extend(bytes_of(values)?);
            packet.extend(TRAILER);
            one_write(Endpoint::Tx, packet, false)
        })
        .shared())
    }),
);
