//! Kiiroo v2 vibrators (Pearl 2, OhMiBod Fuse, PornHub Virtual Rabbit and Blowbot, Titan):
//! every packet is `[v0, v1, v2]`, the three motors' current steps (0..100), written to
//! `tx` without response. Toys with fewer motors keep the unused slots at 0.

use super::handler_kit::{bytes_of, one_write};
use super::packet_shapes::{Fixed, PacketHandler, Shape, Slots};
use crate::device::feature::OutputType;
use crate::hardware::Endpoint;

const NAME: &str = "kiiroo-v2-vibrator";

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, definition| {
        let slots = Slots::of(definition, &[OutputType::Vibrate]).at_least(3);
        Ok(PacketHandler::all_motors(NAME, slots, |values| {
            one_write(Endpoint::Tx, bytes_of(values)?, false)
        })
        .shared())
    }),
);
