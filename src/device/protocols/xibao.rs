//! Xibao masturbation cup: oscillation as a 13-byte packet on `tx` without response,
//! `[0x66, 0x3A, 0x00, 0x06, 0x00, 0x06, 0x01, 0x02, 0x00, 0x02, 0x04, s, s + 0xB5]`.

use super::handler_kit::{step_byte, unsupported};
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::OutputChange;

const NAME: &str = "xibao";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    if change.output != OutputType::Oscillate {
        return Err(unsupported(NAME, change));
    }
    let s = step_byte(change)?;
    let mut packet = vec![
        0x66, 0x3A, 0x00, 0x06, 0x00, 0x06, 0x01, 0x02, 0x00, 0x02, 0x04,
    ];
    packet.extend([s, s.wrapping_add(0xB5)]);
    Ok(packet)
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
