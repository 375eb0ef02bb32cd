//! Motorbunny (Classic, Buck): a vibrator and a rotator, each either a short off packet or
//! a value pair seven times with its byte sum, to `tx` without response.

use super::handler_kit::{byte, step_byte, unsupported};
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::OutputChange;

const NAME: &str = "motorbunny";
const END: u8 = 0xEC;
const CLOCKWISE: u8 = 0x2A;
const COUNTER_CLOCKWISE: u8 = 0x29;

/// `[head, (a, b) x 7, sum of the pairs, END]`.
fn pairs(head: u8, a: u8, b: u8) -> Vec<u8> {
    let mut packet = vec![head];
    for _ in 0..7 {
        packet.extend([a, b]);
    }
    let sum = packet[1..].iter().fold(0u8, |sum, x| sum.wrapping_add(*x));
    packet.extend([sum, END]);
    packet
}

fn off(head: u8) -> Vec<u8> {
    vec![head, 0x00, 0x00, 0x00, 0x00, END]
}

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    match change.output {
        OutputType::Vibrate => Ok(match step_byte(change)? {
            0 => off(0xF0),
            s => pairs(0xFF, s, 0x14),
        }),
        OutputType::Rotate => {
            let speed = byte(change.value.abs())?;
            let direction = if change.value > 0 {
                CLOCKWISE
            } else {
                COUNTER_CLOCKWISE
            };
            Ok(match speed {
                0 => off(0xA0),
                _ => pairs(0xAF, direction, speed),
            })
        }
        _ => Err(unsupported(NAME, change)),
    }
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
