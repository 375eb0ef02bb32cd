//! Kiiroo ProWand and Luxus: `[0x00, 0x00, 0x64, on, level, level]` on `tx` (`on` is 0xFF
//! while the level is above 0); the battery is the standard battery byte.

use super::handler_kit::{SimulatedToy, one_write, vibrate_level};
use super::packet_shapes::{Fixed, PacketHandler, Shape};
use crate::hardware::Endpoint;

const NAME: &str = "kiiroo-prowand";

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, _| {
        Ok(PacketHandler::each(|c| {
            let level = vibrate_level(NAME, c)?;
            let on = if level == 0 { 0x00 } else { 0xFF };
            one_write(Endpoint::Tx, [0x00, 0x00, 0x64, on, level, level], false)
        })
        .battery_byte(Endpoint::RxBleBattery)
        .shared())
    }),
)
.responder(|_, spec| SimulatedToy::ble_battery(spec).boxed());
