//! Lovehoney Desire: `[0xF3, motor, level]`, motor 0 meaning all motors. Two-motor toys
//! get one packet when both levels are equal, else one per motor.

use crate::device::protocol::HardwareCommand;
use crate::hardware::Endpoint;

use super::packet_shapes::{Fixed, Shape};

pub(super) const LOVEHONEY_DESIRE: Fixed = Fixed::new("lovehoney-desire", Shape::AllMotors(encode));

fn encode(levels: &[u8]) -> Vec<HardwareCommand> {
    let packet =
        |motor: u8, level: u8| HardwareCommand::write(Endpoint::Tx, [0xF3, motor, level], true);
    match levels {
        [first, second] if first != second => vec![packet(0x01, *first), packet(0x02, *second)],
        [first, ..] => vec![packet(0x00, *first)],
        [] => Vec::new(),
    }
}
