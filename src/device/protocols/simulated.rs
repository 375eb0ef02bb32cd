//! The device config v5 `simulated` protocol: archetypes (`simulated-1vibe`,
//! `simulated-rotator`, `simulated-stroker`, ...) that exist only in software, matched by
//! name through the `simulated` communication type. They have no wire protocol of their
//! own; plugwire's simulated hardware logs each command as a readable line on `tx`:
//! `Output:feature:value;` (`Vibrate:0:50;`), with the duration for timed moves
//! (`HwPositionWithDuration:0:80:500;`).

use crate::device::error::DeviceError;
use crate::device::protocol::{HardwareCommand, OutputChange};
use crate::hardware::Endpoint;

use super::handler_kit::one_write;
use super::packet_shapes::{Fixed, Shape};

pub(super) const SIMULATED: Fixed = Fixed::new("simulated", Shape::EachChange(encode));

fn encode(c: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
    let text = match c.duration {
        Some(ms) => format!("{}:{}:{}:{ms};", c.output.spec_name(), c.feature, c.value),
        None => format!("{}:{}:{};", c.output.spec_name(), c.feature, c.value),
    };
    one_write(Endpoint::Tx, text.into_bytes(), false)
}
