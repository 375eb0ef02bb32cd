//! Bananasome (Rocket X7): every packet carries all three outputs (oscillate, vibrate,
//! vibrate) as `[0xA0, 0x03, f0, f1, f2]` on `tx`, without response.

use super::handler_kit::{bytes_of, one_write};
use super::packet_shapes::{Fixed, PacketHandler, Shape, Slots};
use crate::device::feature::OutputType;
use crate::hardware::Endpoint;

const NAME: &str = "bananasome";

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, definition| {
        let slots =
            Slots::of(definition, &[OutputType::Oscillate, OutputType::Vibrate]).at_least(3);
        Ok(PacketHandler::all_motors(NAME, slots, |values| {
            let mut packet = vec![0xA0, 0x03];
            packet.extend(bytes_of(values)?);
            one_write(Endpoint::Tx, packet, false)
        })
        .shared())
    }),
);
