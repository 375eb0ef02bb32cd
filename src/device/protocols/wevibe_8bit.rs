//! We-Vibe (8-bit): every packet on `tx` (with response) carries both motors, external
//! then internal, each offset by 3, and a byte flagging which motors run; single-motor
//! toys drive both with the same level.

use super::handler_kit::{byte, count_with, motor_pair, only};
use super::packet_shapes::{Fixed, PacketHandler, Shape};
use crate::device::feature::OutputType;
use crate::device::protocol::HardwareCommand;
use crate::hardware::Endpoint;

const NAME: &str = "wevibe-8bit";
const OFF: [u8; 8] = [0x0F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];

pub fn protocol() -> Fixed {
    Fixed::new(
        NAME,
        Shape::Custom(|_, definition| {
            let two_motors = count_with(&definition.features, OutputType::Vibrate) > 1;
            Ok(PacketHandler::batch(move |changes, state| {
                only(NAME, changes, &[OutputType::Vibrate])?;
                let (internal, external) = motor_pair(state, two_motors)?;
                let packet = if internal == 0 && external == 0 {
                    OFF
                } else {
                    let running = (u8::from(external != 0) << 1) | u8::from(internal != 0);
                    let external = byte(i32::from(external) + 3)?;
                    let internal = byte(i32::from(internal) + 3)?;
                    [0x0F, 0x03, 0x00, external, internal, running, 0x00, 0x00]
                };
                Ok(vec![HardwareCommand::write(Endpoint::Tx, packet, true)])
            })
            .shared())
        }),
    )
}
