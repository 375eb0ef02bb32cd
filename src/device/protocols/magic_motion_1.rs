//! MagicMotion V1: one 12-byte packet on `tx` (without response) carrying the level, for
//! vibrators and the oscillating Xone alike; the battery is the standard battery byte.

use super::handler_kit::{SimulatedToy, byte, unsupported};
use super::magic_motion_shapes::short_packet;
use super::packet_shapes::{Fixed, PacketHandler, Shape};
use crate::device::feature::OutputType;
use crate::device::protocol::HardwareCommand;
use crate::hardware::Endpoint;

const NAME: &str = "magic-motion-1";
const VARIANT: u8 = 0x32;

pub fn protocol() -> Fixed {
    Fixed::new(
        NAME,
        Shape::Custom(|_, _| {
            Ok(PacketHandler::each(|c| match c.output {
                OutputType::Vibrate | OutputType::Oscillate => {
                    let packet = short_packet(VARIANT, byte(c.value)?);
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
