//! Utimi: every motor in one packet, `[0xA0, 0x03, s0, s1, s2, s3, s4, 0xAA]` on `tx`
//! without response; slot i is feature i (vibrator 0, thruster 1), unused slots 0.

use super::handler_kit::{bytes_of, one_write};
use super::packet_shapes::{Fixed, PacketHandler, Shape, Slots};
use crate::device::feature::OutputType;
use crate::hardware::Endpoint;

const NAME: &str = "utimi";

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, definition| {
        let slots =
            Slots::of(definition, &[OutputType::Vibrate, OutputType::Oscillate]).at_least(5);
        Ok(PacketHandler::all_motors(NAME, slots, |values| {
            let mut packet = vec![0xA0, 0x03];
            packet.extend(bytes_of(&values[..5])?);
            packet.push(0xAA);
            one_write(Endpoint::Tx, packet, false)
        })
        .shared())
    }),
);
