//! MagicMotion generation 3 (LoveLife Krush): the 12-byte packet of the older MagicMotion
//! toys with bytes 4 and 5 = 0x46, without response; the battery is the standard BLE
//! battery byte.

use super::handler_kit::{SimulatedToy, vibrate_level};
use super::magic_motion_shapes::short_packet;
use super::packet_shapes::{Fixed, PacketHandler, Shape};
use crate::device::protocol::HardwareCommand;
use crate::hardware::Endpoint;

const NAME: &str = "magic-motion-3";
const VARIANT: u8 = 0x46;

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, _| {
        Ok(PacketHandler::each(|c| {
            let packet = short_packet(VARIANT, vibrate_level(NAME, c)?);
            Ok(vec![HardwareCommand::write(Endpoint::Tx, packet, false)])
        })
        .battery_byte(Endpoint::RxBleBattery)
        .shared())
    }),
)
.responder(|_, spec| SimulatedToy::ble_battery(spec).boxed());
