//! Lelo F1s (first version): subscribe to `rx` on connect (the toy then wants its power
//! button pressed), then both motors in one packet, `[0x01, level0, level1]` on `tx`.

use super::packet_shapes::{Fixed, Shape};
use crate::device::protocol::HardwareCommand;
use crate::hardware::Endpoint;

pub(super) const PROTOCOL: Fixed =
    Fixed::new("lelo-f1s", Shape::AllMotors(encode)).subscribe(&[Endpoint::Rx]);

fn encode(levels: &[u8]) -> Vec<HardwareCommand> {
    let first = levels.first().copied().unwrap_or(0);
    let second = levels.get(1).copied().unwrap_or(0);
    vec![HardwareCommand::write(
        Endpoint::Tx,
        [0x01, first, second],
        false,
    )]
}
