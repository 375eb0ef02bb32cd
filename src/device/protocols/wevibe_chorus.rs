//! We-Vibe Chorus (and Sync): both motors in one 8-byte packet, a whole byte each, with
//! a bit per running motor. Single-motor toys drive both bytes with the same level.

use crate::device::protocol::HardwareCommand;
use crate::hardware::Endpoint;

use super::packet_shapes::{Fixed, Shape};

pub(super) const WEVIBE_CHORUS: Fixed = Fixed::new("wevibe-chorus", Shape::AllMotors(encode));

fn encode(levels: &[u8]) -> Vec<HardwareCommand> {
    let internal = levels.first().copied().unwrap_or(0);
    let external = levels.get(1).copied().unwrap_or(internal);
    let packet = if internal == 0 && external == 0 {
        [0x0F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]
    } else {
        let running = (u8::from(external != 0) << 1) | u8::from(internal != 0);
        [0x0F, 0x03, 0x00, internal, external, running, 0x00, 0x00]
    };
    vec![HardwareCommand::write(Endpoint::Tx, packet, true)]
}
