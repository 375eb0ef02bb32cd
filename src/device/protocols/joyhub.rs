//! JoyHub: fixed-size packets on `tx`, written without response. The feature index picks
//! the command: features 0..3 are the four channels of one motor packet (vibrate, rotate
//! or oscillate), 4 and 5 two air pumps, then temperature, light and a lube spray that is
//! switched off again a second after every spray command.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;

use super::handler_kit::{byte, level_byte, unsupported};
use super::packet_shapes::{Fixed, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{
    HardwareCommand, OutputChange, OutputState, OwnWrite, ProtocolHandler,
};
use tokio::time::Instant;

use crate::hardware::Endpoint;

const NAME: &str = "joyhub";
const MOTOR_CHANNELS: u32 = 4;
const SPRAY_RUNS_FOR: Duration = Duration::from_secs(1);
const SPRAY_TICK: Duration = Duration::from_millis(50);
const SPRAY_OFF: [u8; 6] = [0xA0, 0x24, 0x00, 0x00, 0x00, 0x00];

pub fn protocol() -> Fixed {
    Fixed::new(
        NAME,
        Shape::Custom(|_hw, _| {
            Ok(Arc::new(JoyHubHandler {
                spray_since: Mutex::new(None),
            }))
        }),
    )
}

struct JoyHubHandler {
    /// When the spray pump was switched on, and its feature; the device task's tick
    /// switches it off and reports it off.
    spray_since: Mutex<Option<(Instant, u32)>>,
}

fn tx(data: impl Into<Vec<u8>>) -> HardwareCommand {
    HardwareCommand::write(Endpoint::Tx, data, false)
}

/// `[0xA0, 0x03, m0, m1, m2, m3, 0xAA]`: every motor channel in one packet.
fn motor_packet(state: &OutputState) -> Result<HardwareCommand, DeviceError> {
    let mut packet = vec![0xA0, 0x03];
    for channel in 0..MOTOR_CHANNELS {
        packet.push(level_byte(state, channel)?);
    }
    packet.push(0xAA);
    Ok(tx(packet))
}

/// On/off commands (temperature, light, spray) share one shape.
fn switch(command: u8, value: i32) -> HardwareCommand {
    if value == 0 {
        tx([0xA0, command, 0x00, 0x00, 0x00, 0x00])
    } else {
        tx([0xA0, command, 0x01, 0x00, 0x01, 0xFF])
    }
}

impl JoyHubHandler {
    fn spray_since(&self) -> std::sync::MutexGuard<'_, Option<(Instant, u32)>> {
        self.spray_since.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[async_trait]
impl ProtocolHandler for JoyHubHandler {
    fn tick_interval(&self) -> Option<Duration> {
        Some(SPRAY_TICK)
    }

    /// Switches the spray pump off once it has run for a second.
    fn on_tick(&self, _state: &OutputState, _idle: Duration) -> Result<OwnWrite, DeviceError> {
        let mut since = self.spray_since();
        match *since {
            Some((t, feature)) if t.elapsed() >= SPRAY_RUNS_FOR => {
                *since = None;
                Ok(OwnWrite::from(vec![tx(SPRAY_OFF)]).report(feature, OutputType::Spray, 0))
            }
            _ => Ok(OwnWrite::default()),
        }
    }

    fn on_stop(&self, _feature: Option<u32>) {
        // The stop writes the spray's zero itself.
        *self.spray_since() = None;
    }

    fn encode_outputs(
        &self,
        changes: &[OutputChange],
        state: &OutputState,
    ) -> Result<Vec<HardwareCommand>, DeviceError> {
        use OutputType::*;
        let mut out = Vec::new();
        let mut motors_written = false;
        for c in changes {
            match c.output {
                Vibrate | Rotate | Oscillate => {
                    if c.feature >= MOTOR_CHANNELS {
                        return Err(unsupported(NAME, c));
                    }
                    // One packet carries all four channels: the batch needs it once.
                    if !motors_written {
                        out.push(motor_packet(state)?);
                        motors_written = true;
                    }
                }
                Constrict => {
                    let level = byte(c.value)?;
                    out.push(if c.feature == 4 {
                        tx([0xA0, 0x07, u8::from(level != 0), 0x00, level, 0xFF])
                    } else {
                        tx([0xA0, 0x0D, 0x00, 0x00, level, 0xFF])
                    });
                }
                Temperature => out.push(switch(0x04, c.value)),
                Led => out.push(switch(0x14, c.value)),
                Spray => {
                    out.push(switch(0x24, c.value));
                    // The pump runs for about a second per spray command.
                    *self.spray_since() = (c.value != 0).then(|| (Instant::now(), c.feature));
                }
                _ => return Err(unsupported(NAME, c)),
            }
        }
        Ok(out)
    }
}
