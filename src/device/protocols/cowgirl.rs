//! The Cowgirl and The Unicorn: vibrator and rotator share one packet,
//! `[0x00, 0x01, vibrate, rotate]` on `tx` with response.

use super::handler_kit::{bytes_of, one_write};
use super::packet_shapes::{Fixed, PacketHandler, Shape, Slots};
use crate::device::feature::OutputType;
use crate::hardware::Endpoint;

const NAME: &str = "cowgirl";

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, definition| {
        let slots = Slots::of(definition, &[OutputType::Vibrate, OutputType::Rotate]).at_least(2);
        Ok(PacketHandler::all_motors(NAME, slots, |values| {
            let mut packet = vec![0x00, 0x01];
            packet.extend(bytes_of(values)?);
            one_write(Endpoint::Tx, packet, true)
        })
        .shared())
    }),
);
