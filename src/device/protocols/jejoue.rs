//! Je Joue: `[pattern, speed]` on `tx`. The first motor's speed goes with pattern 2
//! whenever it runs; otherwise the second motor's with pattern 3; both off is `[1, 0]`.

use super::handler_kit::first_two;
use super::packet_shapes::{Fixed, Shape};
use crate::device::protocol::HardwareCommand;
use crate::hardware::Endpoint;

pub(super) const PROTOCOL: Fixed = Fixed::new("jejoue", Shape::AllMotors(encode));

fn encode(levels: &[u8]) -> Vec<HardwareCommand> {
    let (first, second) = first_two(levels);
    let packet = if first != 0 {
        [0x02, first]
    } else if second != 0 {
        [0x03, second]
    } else {
        [0x01, 0x00]
    };
    vec![HardwareCommand::write(Endpoint::Tx, packet, false)]
}
