//! MysteryVibe: after `[0x43, 0x02, 0x00]` on the mode endpoint, every motor's level goes
//! in one packet, one byte per motor. The toy stops unless it hears from us, so the last
//! packet is repeated every 93 ms.

use std::time::Duration;

use crate::device::protocol::{HardwareCommand, Keepalive};
use crate::hardware::Endpoint;

use super::packet_shapes::{Fixed, PacketHandler, Shape};

const REPEAT: Duration = Duration::from_millis(93);

pub(super) const MYSTERYVIBE: Fixed = Fixed::new(
    "mysteryvibe",
    Shape::Custom(|_, definition| {
        Ok(PacketHandler::vibrators("mysteryvibe", definition, encode)
            .keepalive(Keepalive::RepeatLast(REPEAT))
            .shared())
    }),
)
.handshake(&[(Endpoint::TxMode, &[0x43, 0x02, 0x00], true)]);

fn encode(levels: &[u8]) -> Vec<HardwareCommand> {
    vec![HardwareCommand::write(Endpoint::TxVibrate, levels, false)]
}
