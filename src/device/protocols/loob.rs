//! Joyroid Loob: `[0x00, 0x01, 0x01, 0xF4]` on connect (with response), then each move as
//! position (1..1000) and time (ms, at least 1) in two big-endian u16 on `tx`.

use super::handler_kit::{duration_of, one_write, unsupported};
use super::packet_shapes::{Fixed, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{HardwareCommand, OutputChange};
use crate::hardware::Endpoint;

const NAME: &str = "loob";

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::EachChange(encode)).handshake(&[(
    Endpoint::Tx,
    &[0x00, 0x01, 0x01, 0xF4],
    true,
)]);

fn encode(c: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
    if c.output != OutputType::HwPositionWithDuration {
        return Err(unsupported(NAME, c));
    }
    // The toy's scale has no 0; durations beyond 16 bits are sent as the longest it can say.
    let position = u16::try_from(c.value.clamp(1, 1000)).unwrap_or(1000);
    let time = u16::try_from(duration_of(c)?.max(1)).unwrap_or(u16::MAX);
    let mut packet = position.to_be_bytes().to_vec();
    packet.extend(time.to_be_bytes());
    one_write(Endpoint::Tx, packet, false)
}
