//! Kiiroo PowerShot: both motors in every packet, `[0x01, 0, 0, level0, level1, 0]` on
//! `tx` with response; the battery is the standard battery byte.

use super::handler_kit::{SimulatedToy, first_two};
use super::packet_shapes::{Fixed, PacketHandler, Shape};
use crate::device::protocol::HardwareCommand;
use crate::hardware::Endpoint;

const NAME: &str = "kiiroo-powershot";

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, definition| {
        Ok(PacketHandler::vibrators(NAME, definition, encode)
            .battery_byte(Endpoint::RxBleBattery)
            .shared())
    }),
)
.responder(|_, spec| SimulatedToy::ble_battery(spec).boxed());

fn encode(levels: &[u8]) -> Vec<HardwareCommand> {
    let (first, second) = first_two(levels);
    vec![HardwareCommand::write(
        Endpoint::Tx,
        [0x01, 0x00, 0x00, first, second, 0x00],
        true,
    )]
}
