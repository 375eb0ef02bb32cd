//! Kiiroo Spot: `[0x00, 0xFF, 0x00, 0x00, 0x00, level]` on `tx`; the battery is the
//! standard battery byte.

use super::handler_kit::{SimulatedToy, one_write, vibrate_level};
use super::packet_shapes::{Fixed, PacketHandler, Shape};
use crate::hardware::Endpoint;

const NAME: &str = "kiiroo-spot";

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, _| {
        Ok(PacketHandler::each(|c| {
            let level = vibrate_level(NAME, c)?;
            one_write(Endpoint::Tx, [0x00, 0xFF, 0x00, 0x00, 0x00, level], false)
        })
        .battery_byte(Endpoint::RxBleBattery)
        .shared())
    }),
)
.responder(|_, spec| SimulatedToy::ble_battery(spec).boxed());
