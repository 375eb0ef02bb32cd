//! Zalo: both motors in one packet, `[mode, level0, level1]`. A motor at 0 is sent as
//! level 1; only mode 0x02 ("all off") stops the toy.

use crate::device::protocol::HardwareCommand;
use crate::hardware::Endpoint;

use super::handler_kit::first_two;
use super::packet_shapes::{Fixed, Shape};

pub(super) const ZALO: Fixed = Fixed::new("zalo", Shape::AllMotors(encode));

fn encode(levels: &[u8]) -> Vec<HardwareCommand> {
    let (first, second) = first_two(levels);
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
