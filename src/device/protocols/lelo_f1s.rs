//! Lelo F1s (first version): subscribe to `rx` on connect (the toy then wants its power
//! button pressed), then both motors in one packet, `[0x01, level0, level1]` on `tx`.

use super::lelo_f1sv2::f1s_packet;
use super::packet_shapes::{Fixed, Shape};
use crate::device::protocol::HardwareCommand;
use crate::hardware::Endpoint;

pub(super) const PROTOCOL: Fixed =
    Fixed::new("lelo-f1s", Shape::AllMotors(encode)).subscribe(&[Endpoint::Rx]);

/// The F1s V2's packet, written without response.
fn encode(levels: &[u8]) -> Vec<HardwareCommand> {
    vec![HardwareCommand::write(
        Endpoint::Tx,
        f1s_packet(levels),
        false,
    )]
}
