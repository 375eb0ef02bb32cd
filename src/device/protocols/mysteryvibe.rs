//! MysteryVibe: after `[0x43, 0x02, 0x00]` on the mode endpoint, every motor's level goes
//! in one packet, one byte per motor. The toy stops unless it hears from us, so the last
//! packet is repeated every 93 ms.

use std::sync::Arc;
use std::time::Duration;

use crate::device::protocol::HardwareCommand;
use crate::hardware::Endpoint;

use super::packet_shapes::{AllMotors, Fixed, Shape};

const REPEAT: Duration = Duration::from_millis(93);

pub(super) const MYSTERYVIBE: Fixed = Fixed::new(
    "mysteryvibe",
    Shape::Custom(|_, definition| {
        Arc::new(AllMotors::new("mysteryvibe", definition, encode).repeating_every(REPEAT))
    }),
)
.handshake(&[(Endpoint::TxMode, &[0x43, 0x02, 0x00], true)]);

fn encode(levels: &[u8]) -> Vec<HardwareCommand> {
    vec![HardwareCommand::write(Endpoint::TxVibrate, levels, false)]
}
