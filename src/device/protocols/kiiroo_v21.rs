//! Kiiroo v2.1: `[0x01, level]` on `tx` for vibration; the Titan's stroker takes
//! `[0x03, 0x00, speed, position]`, the speed derived from the distance and duration of the
//! move by the Fleshlight Launch formula. The Pearl 2.1 reports its battery in a 20-byte
//! read of the `whitelist` characteristic.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use super::handler_kit::{READ_TIMEOUT, SimulatedToy, battery_only, byte, unsupported};
use super::packet_shapes::{Fixed, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::{DeviceFeature, InputType, OutputType};
use crate::device::protocol::{HardwareCommand, OutputChange, ProtocolHandler};
use crate::hardware::{Endpoint, HardwareDevice};

const NAME: &str = "kiiroo-v21";
const BATTERY_ANSWER_LEN: usize = 20;
const BATTERY_BYTE: usize = 5;

/// Launch speed (0..255) for a move from `previous` to `position` (0..99) in `duration_ms`.
/// A zero distance gives 0, a zero duration 255, both zero 0.
pub(super) fn launch_speed(previous: u8, position: u8, duration_ms: u32) -> u8 {
    let distance = ((f64::from(previous) - f64::from(position)).abs() / 99.0).min(1.0);
    let base = (f64::from(duration_ms) * 90.0) / (distance * 100.0);
    let speed = 250.0 * base.powf(-1.05);
    // `as` truncates, saturates at 0 and 255, and turns NaN into 0.
    (speed * 99.0) as u8
}

pub fn protocol() -> Fixed {
    Fixed::new(
        NAME,
        Shape::Custom(|_, _| {
            Ok(Arc::new(KiirooV21Handler {
                position: Mutex::new(0),
            }))
        }),
    )
    .responder(|_, spec| {
        let mut answer = [0u8; BATTERY_ANSWER_LEN];
        answer[BATTERY_BYTE] = spec.battery_level.unwrap_or(90);
        SimulatedToy::new()
            .read(Endpoint::Whitelist, answer)
            .boxed()
    })
}

struct KiirooV21Handler {
    /// Where the stroker was last sent.
    position: Mutex<u8>,
}

fn tx(data: impl Into<Vec<u8>>) -> HardwareCommand {
    HardwareCommand::write(Endpoint::Tx, data, false)
}

#[async_trait]
impl ProtocolHandler for KiirooV21Handler {
    fn encode_output(&self, c: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
        match c.output {
            OutputType::Vibrate => Ok(vec![tx([0x01, byte(c.value)?])]),
            OutputType::HwPositionWithDuration => {
                let duration = c
                    .duration
                    .ok_or(DeviceError::MissingDuration { output: c.output })?;
                let position = byte(c.value)?;
                let mut previous = self.position.lock().unwrap_or_else(|e| e.into_inner());
                let speed = launch_speed(*previous, position, duration);
                *previous = position;
                Ok(vec![tx([0x03, 0x00, speed, position])])
            }
            _ => Err(unsupported(NAME, c)),
        }
    }

    async fn read_input(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        feature: &DeviceFeature,
        input: InputType,
    ) -> Result<i32, DeviceError> {
        battery_only(feature, input)?;
        let data = hw.read(Endpoint::Whitelist, READ_TIMEOUT).await?;
        if data.len() != BATTERY_ANSWER_LEN {
            return Err(DeviceError::Protocol(format!(
                "{NAME}: battery answer of {} bytes, expected {BATTERY_ANSWER_LEN}",
                data.len()
            )));
        }
        data.get(BATTERY_BYTE)
            .map(|b| i32::from(*b))
            .ok_or_else(|| DeviceError::Protocol(format!("{NAME}: short battery answer")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn launch_speed_edges() {
        assert_eq!(launch_speed(0, 0, 500), 0);
        assert_eq!(launch_speed(0, 99, 0), 255);
        assert_eq!(launch_speed(0, 0, 0), 0);
    }
}
