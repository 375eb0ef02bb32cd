//! Love Nuts: `EVOL`, then the step in both nibbles of ten bytes, then `0x00, 0xFF`, to
//! `tx` without response.

use super::handler_kit::{step_up_to, unsupported};
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::OutputChange;

const NAME: &str = "lovenuts";
const HEADER: [u8; 4] = *b"EVOL";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    if change.output != OutputType::Vibrate {
        return Err(unsupported(NAME, change));
    }
    // One nibble per step: 15 is the most a nibble holds.
    let step = step_up_to(change, 0x0F)?;
    let mut packet = HEADER.to_vec();
    packet.extend([(step << 4) | step; 10]);
    packet.extend([0x00, 0xFF]);
    Ok(packet)
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
