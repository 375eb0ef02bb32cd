//! Nobra: one byte, `0x60 + level`, or `0x70` for off (also sent on connect). The same
//! bytes go over BLE or a serial port.

use crate::device::error::DeviceError;
use crate::device::protocol::{HardwareCommand, OutputChange};
use crate::hardware::Endpoint;

use super::handler_kit::{one_write, vibrate_level};
use super::packet_shapes::{Fixed, Shape};

const OFF: u8 = 0x70;

pub(super) const NOBRA: Fixed =
    Fixed::new("nobra", Shape::EachChange(encode)).handshake(&[(Endpoint::Tx, &[OFF], false)]);

fn encode(c: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
    let b = match vibrate_level("nobra", c)? {
        0 => OFF,
        level @ 1..=15 => 0x60 + level,
        level => {
            return Err(DeviceError::Protocol(format!(
                "nobra: level {level} is above 15"
            )));
        }
    };
    one_write(Endpoint::Tx, [b], false)
}
