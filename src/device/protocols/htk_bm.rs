//! HTK breast massager: one byte on `tx` says which side runs (both 11, left 12, right 13,
//! none 15); the sides are on/off.

use super::packet_shapes::{Fixed, Shape};
use crate::device::protocol::HardwareCommand;
use crate::hardware::Endpoint;

pub(super) const PROTOCOL: Fixed = Fixed::new("htk_bm", Shape::AllMotors(encode));

fn encode(levels: &[u8]) -> Vec<HardwareCommand> {
    let left = levels.first().is_some_and(|l| *l != 0);
    let right = levels.get(1).is_some_and(|l| *l != 0);
    let mode = match (left, right) {
        (true, true) => 11,
        (true, false) => 12,
        (false, true) => 13,
        (false, false) => 15,
    };
    vec![HardwareCommand::write(Endpoint::Tx, [mode], false)]
}
