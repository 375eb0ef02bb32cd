//! Galaku pump (Nebula): the pump (oscillate) and the vibrator share one packet, the
//! galaku obfuscation of `[0x5A, 0, 0, 0x01, 0x60, 0x03, pump, vibrator, 0, 0]`, written
//! with response on `tx`.

use super::galaku::obfuscate;
use super::handler_kit::{byte, one_write};
use super::packet_shapes::{Fixed, PacketHandler, Shape, Slots};
use crate::device::feature::OutputType;
use crate::hardware::Endpoint;

const NAME: &str = "galaku-pump";

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, definition| {
        let slots =
            Slots::of(definition, &[OutputType::Oscillate, OutputType::Vibrate]).at_least(2);
        Ok(PacketHandler::all_motors(NAME, slots, |values| {
            let pump = byte(values[0])?;
            let vibrator = byte(values[1])?;
            let payload = [
                0x5A, 0x00, 0x00, 0x01, 0x60, 0x03, pump, vibrator, 0x00, 0x00,
            ];
            one_write(Endpoint::Tx, obfuscate(payload), true)
        })
        .shared())
    }),
);
