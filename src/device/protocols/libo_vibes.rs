//! Libo: the level of feature 0 is one byte on `tx` (and stopping it also clears
//! `txmode`); feature 1 is one byte on `txmode`. All written without response.

use super::handler_kit::{byte, unsupported};
use super::packet_shapes::{Fixed, PacketHandler, Shape};
use crate::device::feature::OutputType;
use crate::device::protocol::HardwareCommand;
use crate::hardware::Endpoint;

const NAME: &str = "libo-vibes";

pub fn protocol() -> Fixed {
    Fixed::new(
        NAME,
        Shape::Custom(|_, _| {
            Ok(PacketHandler::each(|c| {
                if c.output != OutputType::Vibrate {
                    return Err(unsupported(NAME, c));
                }
                let v = byte(c.value)?;
                let write = |endpoint| HardwareCommand::write(endpoint, [v], false);
                Ok(match c.feature {
                    0 if v == 0 => vec![write(Endpoint::Tx), write(Endpoint::TxMode)],
                    0 => vec![write(Endpoint::Tx)],
                    1 => vec![write(Endpoint::TxMode)],
                    _ => Vec::new(),
                })
            })
            .shared())
        }),
    )
}
