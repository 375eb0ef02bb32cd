//! Kizuna Smart, on a serial port a user configuration names: the rotation step as one
//! ASCII digit followed by CR LF.

use super::handler_kit::{step_up_to, unsupported};
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::OutputChange;

const NAME: &str = "kizuna";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    if change.output != OutputType::Rotate {
        return Err(unsupported(NAME, change));
    }
    // One digit: 0..9.
    Ok(vec![b'0' + step_up_to(change, 9)?, b'\r', b'\n'])
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
