//! Patoo: the toy runs one level at a time. The first motor wins while it runs (mode 0x04),
//! else the second one's level is sent with mode 0x80. Level and mode go to two
//! endpoints. The model is the advertised name up to its first digit (`PBT0042` -> `PBT`).

use crate::device::protocol::HardwareCommand;
use crate::hardware::Endpoint;

use super::handler_kit::first_two;
use super::packet_shapes::{Fixed, Shape};

pub(super) const PATOO: Fixed =
    Fixed::new("patoo", Shape::AllMotors(encode)).identified_by(model_from_name);

fn model_from_name(name: &str) -> Option<String> {
    let end = name
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(name.len());
    Some(name[..end].to_string())
}

fn encode(levels: &[u8]) -> Vec<HardwareCommand> {
    let (first, second) = first_two(levels);
    let (level, mode) = match (first, second) {
        (0, 0) => (0, 0x00),
        (0, s) => (s, 0x80),
        (f, _) => (f, 0x04),
    };
    vec![
        HardwareCommand::write(Endpoint::Tx, [level], true),
        HardwareCommand::write(Endpoint::TxMode, [mode], true),
    ]
}
