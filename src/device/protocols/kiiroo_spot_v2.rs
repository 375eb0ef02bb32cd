//! Kiiroo Spot 2: `[0x01, level, level, 0x03, 0xE8, 0xFF]` on `tx` with response; the
//! battery is the standard battery byte. (No handler in the reference's main branch; the
//! packet comes from the reference repository's history.)

use super::handler_kit::{SimulatedToy, one_write, vibrate_level};
use super::packet_shapes::{Fixed, PacketHandler, Shape};
use crate::hardware::Endpoint;

const NAME: &str = "kiiroo-spot-v2";

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, _| {
        Ok(PacketHandler::each(|c| {
            let level = vibrate_level(NAME, c)?;
            one_write(Endpoint::Tx, [0x01, level, level, 0x03, 0xE8, 0xFF], true)
        })
        .battery_byte(Endpoint::RxBleBattery)
        .shared())
    }),
)
.responder(|_, spec| SimulatedToy::ble_battery(spec).boxed());
