//! Sexverse v6 (Aether, Sirius): every motor in one packet on `tx`, without response:
//! `[0xAA, 0x03, 0x03, vibe, osc, suck]` (a motor the model lacks is 0).

use super::handler_kit::{bytes_of, one_write};
use super::packet_shapes::{Fixed, PacketHandler, Shape, Slots};
use crate::device::feature::OutputType;
use crate::hardware::Endpoint;

const NAME: &str = "sexverse-v6";
const KINDS: [OutputType; 3] = [
    OutputType::Vibrate,
    OutputType::Oscillate,
    OutputType::Constrict,
];

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, definition| {
        // Vibrator, oscillator, sucker, as the definitions order their features.
        let slots = Slots::of(definition, &KINDS).at_least(3);
        Ok(PacketHandler::all_motors(NAME, slots, |values| {
            let mut packet = vec![0xAA, 0x03, 0x03];
            packet.extend(bytes_of(&values[..3])?);
            one_write(Endpoint::Tx, packet, false)
        })
        .shared())
    }),
);
