//! MagicMotion V1: one 12-byte packet on `tx` (without response) carrying the level, for
//! vibrators and the oscillating Xone alike; the battery is the standard battery byte.

use super::handler_kit::{SimulatedToy, byte, unsupported};
use super::packet_shapes::{Fixed, PacketHandler, Shape};
use crate::device::feature::OutputType;
use crate::device::protocol::HardwareCommand;
use crate::hardware::Endpoint;

const NAME: &str = "magic-motion-1";

pub fn protocol() -> Fixed {
    Fixed::new(
        NAME,
        Shape::Custom(|_, _| {
            Ok(PacketHandler::each(|c| match c.output {
                OutputType::Vibrate | OutputType::Oscillate => {
                    let level = byte(c.value)?;
                    let packet = [
                        0x0B, 0xFF, 0x04, 0x0A, 0x32, 0x32, 0x00, 0x04, 0x08, level, 0x64, 0x00,
                    ];
                    Ok(vec![HardwareCommand::write(Endpoint::Tx, packet, false)])
                }
                _ => Err(unsupported(NAME, c)),
            })
            .battery_byte(Endpoint::RxBleBattery)
            .shared())
        }),
    )
    .responder(|_, spec| SimulatedToy::ble_battery(spec).boxed())
}
