//! Sexverse v1: every packet on `tx` (without response) carries every motor as
//! `[0x80 | number, kind, level]` after a `[0x23, 0x07, length]` header, and ends with the
//! XOR of all previous bytes.

use super::handler_kit::{byte, only};
use super::packet_shapes::{Fixed, PacketHandler, Shape};
use crate::device::feature::OutputType;
use crate::device::protocol::HardwareCommand;
use crate::hardware::Endpoint;

const NAME: &str = "sexverse-v1";
const OUTPUTS: [OutputType; 4] = [
    OutputType::Vibrate,
    OutputType::Oscillate,
    OutputType::Constrict,
    OutputType::Rotate,
];

/// The motor-kind byte.
fn kind_byte(output: OutputType) -> u8 {
    match output {
        OutputType::Constrict | OutputType::Oscillate => 0x04,
        OutputType::Rotate => 0x06,
        _ => 0x03,
    }
}

pub fn protocol() -> Fixed {
    Fixed::new(
        NAME,
        Shape::Custom(|_, definition| {
            // One motor per output of every feature, in index order.
            let motors: Vec<(u32, OutputType)> = definition
                .features
                .iter()
                .flat_map(|f| {
                    f.outputs
                        .keys()
                        .filter(|o| OUTPUTS.contains(o))
                        .map(|o| (f.index, *o))
                })
                .collect();
            let length = byte(3 * motors.len() as i32)?;
            Ok(PacketHandler::batch(move |changes, state| {
                only(NAME, changes, &OUTPUTS)?;
                let mut packet = vec![0x23, 0x07, length];
                for (number, (feature, output)) in (1u8..).zip(&motors) {
                    let level = byte(state.get(*feature, *output))?;
                    packet.extend([0x80 | number, kind_byte(*output), level]);
                }
                packet.push(packet.iter().fold(0, |x, b| x ^ b));
                Ok(vec![HardwareCommand::write(Endpoint::Tx, packet, false)])
            })
            .shared())
        }),
    )
}
