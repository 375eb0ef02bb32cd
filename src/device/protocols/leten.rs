//! Leten: `[0x04, 0x01]` on connect, then `[0x02, level]` on `tx` (both with response);
//! the toy stops unless the last packet is repeated every second.

use std::time::Duration;

use super::handler_kit::{one_write, vibrate_level};
use super::packet_shapes::{Fixed, PacketHandler, Shape};
use crate::device::protocol::Keepalive;
use crate::hardware::Endpoint;

const NAME: &str = "leten";
const KEEPALIVE: Duration = Duration::from_secs(1);

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, _| {
        Ok(
            PacketHandler::each(|c| one_write(Endpoint::Tx, [0x02, vibrate_level(NAME, c)?], true))
                .keepalive(Keepalive::RepeatLast(KEEPALIVE))
                .shared(),
        )
    }),
)
.handshake(&[(Endpoint::Tx, &[0x04, 0x01], true)]);
