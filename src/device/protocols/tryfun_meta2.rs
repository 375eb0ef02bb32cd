//! TryFun Meta 2: `[n, 0x02, 0x00, 0x05, 0x21, 0x05, K, b, c]` on `tx` without response
//! (the counted TryFun frame), K = 0x0B oscillate, 0x08 vibrate, 0x0E rotate. Rotation
//! clockwise (a value >= 0, so also a stop) is sent as the complement of the speed,
//! counter-clockwise as the speed.

use std::sync::atomic::AtomicU8;

use super::handler_kit::{byte, one_write, step_byte, unsupported};
use super::packet_shapes::{Fixed, PacketHandler, Shape};
use super::tryfun_blackhole::counted_frame;
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::OutputChange;
use crate::hardware::Endpoint;

const NAME: &str = "tryfun-meta2";

fn kind_and_value(c: &OutputChange) -> Result<(u8, u8), DeviceError> {
    match c.output {
        OutputType::Oscillate => Ok((0x0B, step_byte(c)?)),
        OutputType::Vibrate => Ok((0x08, step_byte(c)?)),
        OutputType::Rotate => {
            let speed = byte(c.value.abs())?;
            Ok((0x0E, if c.value >= 0 { !speed } else { speed }))
        }
        _ => Err(unsupported(NAME, c)),
    }
}

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, _| {
        let counter = AtomicU8::new(0);
        Ok(PacketHandler::each(move |c| {
            let (kind, value) = kind_and_value(c)?;
            let body = [0x02, 0x00, 0x05, 0x21, 0x05, kind, value];
            one_write(Endpoint::Tx, counted_frame(&counter, &body), false)
        })
        .shared())
    }),
);
