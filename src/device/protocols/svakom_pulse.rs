//! Svakom Pulse: `[0x55, 0x03, 0x03, 0x00, on, level + 1]` on `tx`, without response.

use super::handler_kit::{byte, unsupported};
use super::packet_shapes::{Fixed, PacketHandler, Shape};
use crate::device::feature::OutputType;
use crate::device::protocol::HardwareCommand;
use crate::hardware::Endpoint;

const NAME: &str = "svakom-pulse";

pub fn protocol() -> Fixed {
    Fixed::new(
        NAME,
        Shape::Custom(|_, _| {
            Ok(PacketHandler::each(|c| match c.output {
                OutputType::Vibrate => {
                    // The last byte is the step plus one: a stopped toy still gets 0x01 there.
                    let on = u8::from(c.value != 0);
                    let packet = [0x55, 0x03, 0x03, 0x00, on, byte(c.value + 1)?];
                    Ok(vec![HardwareCommand::write(Endpoint::Tx, packet, false)])
                }
                _ => Err(unsupported(NAME, c)),
            })
            .shared())
        }),
    )
}
