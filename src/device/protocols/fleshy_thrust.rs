//! Fleshy Thrust Sync: a timed move is `[position, duration high, duration low]` on `tx`
//! without response (duration in ms, 16 bits big-endian; longer moves are sent as the
//! longest the packet can say).

use super::handler_kit::{duration_of, step_byte, unsupported};
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::OutputChange;

const NAME: &str = "fleshy-thrust";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    if change.output != OutputType::HwPositionWithDuration {
        return Err(unsupported(NAME, change));
    }
    let position = step_byte(change)?;
    let duration = u16::try_from(duration_of(change)?).unwrap_or(u16::MAX);
    let [high, low] = duration.to_be_bytes();
    Ok(vec![position, high, low])
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
