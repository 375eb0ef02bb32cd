//! SayberX: the ASCII command `AT+SPD<level>0` (level one digit, 0..4 on the toy) on `tx`,
//! without response. The Sayber X-Ring remote ("X-Ring <id>") is an input-only device with
//! no outputs in the configuration; its name picks its configuration.

use super::handler_kit::vibrate_level;
use super::packet_shapes::{Fixed, PacketPerOutput, Shape};
use crate::device::error::DeviceError;
use crate::device::protocol::OutputChange;

const NAME: &str = "sayberx";

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let level = vibrate_level(NAME, change)?;
    // The level is one ASCII digit.
    if level > 9 {
        return Err(DeviceError::ValueOutOfRange {
            feature: change.feature,
            output: change.output,
            value: change.value,
            lo: 0,
            hi: 9,
        });
    }
    Ok(format!("AT+SPD{level}0").into_bytes())
}

/// "X-Ring 0F313B" and the like are the X-Ring; other names are their own identifier.
fn identify(name: &str) -> Option<String> {
    name.starts_with("X-Ring").then(|| "X-Ring".to_string())
}

pub(super) const PROTOCOL: Fixed =
    Fixed::new(NAME, Shape::Packets(PacketPerOutput::tx(encode))).identified_by(identify);
