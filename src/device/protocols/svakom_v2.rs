//! Svakom v2: `[0x55, 0x03, 0x03, 0x00, on, level]` on `tx`, written with response; a
//! second motor (feature 1, in no current model) has its own packet.

use super::handler_kit::{byte, unsupported};
use super::packet_shapes::{Fixed, PacketHandler, Shape};
use crate::device::feature::OutputType;
use crate::device::protocol::HardwareCommand;
use crate::hardware::Endpoint;

const NAME: &str = "svakom-v2";

pub fn protocol() -> Fixed {
    Fixed::new(
        NAME,
        Shape::Custom(|_, _| {
            Ok(PacketHandler::each(|c| {
                if c.output != OutputType::Vibrate {
                    return Err(unsupported(NAME, c));
                }
                let v = byte(c.value)?;
                let packet = if c.feature == 1 {
                    [0x55, 0x06, 0x01, 0x00, v, v]
                } else {
                    [0x55, 0x03, 0x03, 0x00, u8::from(v != 0), v]
                };
                Ok(vec![HardwareCommand::write(Endpoint::Tx, packet, true)])
            })
            .shared())
        }),
    )
}
