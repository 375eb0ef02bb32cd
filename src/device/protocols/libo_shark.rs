//! Libo Shark: both motors in one byte on `tx`, `(level0 << 4) | level1`.

use super::handler_kit::one_write;
use super::packet_shapes::{Fixed, PacketHandler, Shape, Slots};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::hardware::Endpoint;

const NAME: &str = "libo-shark";

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, definition| {
        let slots = Slots::of(definition, &[OutputType::Vibrate]).at_least(2);
        Ok(PacketHandler::all_motors(NAME, slots, |levels| {
            let byte = (nibble(levels[0])? << 4) | nibble(levels[1])?;
            one_write(Endpoint::Tx, [byte], false)
        })
        .shared())
    }),
);

/// A level as half a byte; wider levels (only a user definition could ask for them) are
/// refused rather than spilled into the other motor.
fn nibble(level: i32) -> Result<u8, DeviceError> {
    u8::try_from(level)
        .ok()
        .filter(|l| *l <= 0x0F)
        .ok_or_else(|| DeviceError::Protocol(format!("{NAME}: level {level} is above 15")))
}
