//! We-Vibe (4-bit): after a short buzz at init, every packet on `tx` (with response)
//! carries both motors as nibbles, internal high and external low; single-motor toys
//! drive both nibbles with the same level.

use super::handler_kit::{count_with, motor_pair, one_write, only};
use super::packet_shapes::{Fixed, PacketHandler, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::hardware::Endpoint;

const NAME: &str = "wevibe";
const OFF: [u8; 8] = [0x0F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];
const BUZZ: [u8; 8] = [0x0F, 0x03, 0x00, 0x99, 0x00, 0x03, 0x00, 0x00];

pub fn protocol() -> Fixed {
    Fixed::new(
        NAME,
        Shape::Custom(|_, definition| {
            let two_motors = count_with(&definition.features, OutputType::Vibrate) > 1;
            Ok(PacketHandler::batch(move |changes, state| {
                only(NAME, changes, &[OutputType::Vibrate])?;
                let (internal, external) = motor_pair(state, two_motors)?;
                if internal > 0x0F || external > 0x0F {
                    return Err(DeviceError::Protocol(format!(
                        "{NAME}: levels {internal}/{external} do not fit a nibble"
                    )));
                }
                let packet = if internal == 0 && external == 0 {
                    OFF
                } else {
                    [
                        0x0F,
                        0x03,
                        0x00,
                        (internal << 4) | external,
                        0x00,
                        0x03,
                        0x00,
                        0x00,
                    ]
                };
                one_write(Endpoint::Tx, packet, true)
            })
            .shared())
        }),
    )
    .handshake(&[(Endpoint::Tx, &BUZZ, true), (Endpoint::Tx, &OFF, true)])
}
