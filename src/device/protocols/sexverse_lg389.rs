//! Sexverse LG389: vibration and oscillation in one packet on `tx`, written with response:
//! `[0xAA, 0x05, vibe, 0x14, anchor, 0x00, range, 0x00, osc, 0x00]`. A running oscillation
//! is anchored to the base (anchor 0x01) over the full range (0x04); both are 0 when the
//! oscillation is off.

use super::handler_kit::{bytes_of, one_write};
use super::packet_shapes::{Fixed, PacketHandler, Shape, Slots};
use crate::device::feature::OutputType;
use crate::hardware::Endpoint;

const NAME: &str = "sexverse-lg389";

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, definition| {
        // The vibrator then the oscillator, as the definition orders its features.
        let slots =
            Slots::of(definition, &[OutputType::Vibrate, OutputType::Oscillate]).at_least(2);
        Ok(PacketHandler::all_motors(NAME, slots, |values| {
            let levels = bytes_of(values)?;
            let (vibe, osc) = (levels[0], levels[1]);
            let (anchor, range) = if osc == 0 { (0x00, 0x00) } else { (0x01, 0x04) };
            let packet = [0xAA, 0x05, vibe, 0x14, anchor, 0x00, range, 0x00, osc, 0x00];
            one_write(Endpoint::Tx, packet, true)
        })
        .shared())
    }),
);
