//! Svakom Iker: both vibrators from the current levels, on `tx` without response:
//! - both off: `[0x55, 0x07, 0x00, 0x00, 0x00, 0x00]`
//! - otherwise the main motor `[0x55, 0x03, 0x03, 0x00, 0x01, v0]`, followed, while the
//!   second motor runs, by `[0x55, 0x07, 0x00, 0x00, v1, 0x00]`.

use super::handler_kit::byte;
use super::packet_shapes::{Fixed, PacketHandler, Shape, Slots};
use crate::device::feature::OutputType;
use crate::device::protocol::HardwareCommand;
use crate::hardware::Endpoint;

const NAME: &str = "svakom-iker";

fn packets(v0: u8, v1: u8) -> Vec<HardwareCommand> {
    let write = |p: [u8; 6]| HardwareCommand::write(Endpoint::Tx, p, false);
    if v0 == 0 && v1 == 0 {
        return vec![write([0x55, 0x07, 0x00, 0x00, 0x00, 0x00])];
    }
    let mut out = vec![write([0x55, 0x03, 0x03, 0x00, 0x01, v0])];
    if v1 > 0 {
        out.push(write([0x55, 0x07, 0x00, 0x00, v1, 0x00]));
    }
    out
}

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, definition| {
        let slots = Slots::of(definition, &[OutputType::Vibrate]).at_least(2);
        Ok(PacketHandler::all_motors(NAME, slots, |values| {
            Ok(packets(byte(values[0])?, byte(values[1])?))
        })
        .shared())
    }),
);
