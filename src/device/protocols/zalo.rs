//! Zalo: both motors in one packet, `[mode, level0, level1]`. A motor at 0 is sent as
//! level 1; only mode 0x02 ("all off") stops the toy.

use crate::device::protocol::HardwareCommand;
use crate::hardware::Endpoint;

use super::packet_shapes::{Fixed, Shape};

pub(super) const ZALO: Fixed = Fixed::new("zalo", Shape::AllMotors(encode));

fn encode(levels: &[u8]) -> Vec<HardwareCommand> {
    let first = levels.first().copied().unwrap_or(0);
    let second = levels.get(1).copied().unwrap_or(0);
    let mode = if first == 0 && second == 0 {
        0x02
    } else {
        0x01
    };
    vec![HardwareCommand::write(
        Endpoint::Tx,
        [mode, first.max(1), second.max(1)],
        true,
    )]
}
