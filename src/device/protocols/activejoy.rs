//! ActiveJoy (IntoYou Remote Egg Vibrator): `[0xB0, mode, strong, feature, on, step]` on
//! `tx` without response, mode 0x01 (vibrate), strong mode off, `on` 0 only at step 0.

use super::handler_kit::{feature_byte, unsupported, vibrate_level};
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::protocol::OutputChange;

const NAME: &str = "activejoy";
const HEADER: u8 = 0xB0;
const MODE_VIBRATE: u8 = 0x01;
const STRONG_OFF: u8 = 0x00;

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let step = vibrate_level(NAME, change)?;
    let motor = feature_byte(change, 0).map_err(|_| unsupported(NAME, change))?;
    Ok(vec![
        HEADER,
        MODE_VIBRATE,
        STRONG_OFF,
        motor,
        u8::from(step != 0),
        step,
    ])
}

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode)));
