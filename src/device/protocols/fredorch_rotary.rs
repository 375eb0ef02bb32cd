//! Fredorch Rotary: a machine with buttons instead of a speed command. Frames are
//! `[0x55, length, command, check, 0xAA]`; after a four-frame handshake (start, password,
//! power up, stop) the speed is moved one step per tick with the faster (0x01) and slower
//! (0x02) frames towards the target; 0 sends stop (0x24) at once.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;

use super::handler_kit::{Step, Stepper, unsupported};
use crate::device::config::DeviceDefinition;
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{
    HardwareCommand, OutputChange, OutputState, OwnWrite, Protocol, ProtocolHandler,
    write_and_await,
};
use crate::hardware::{Endpoint, HardwareDevice, HardwareError};

const NAME: &str = "fredorch-rotary";
/// How long each handshake frame may wait for an answer (none is fine).
const ANSWER_TIMEOUT: Duration = Duration::from_millis(100);
/// How often the mover may step the speed (never inside the message gap).
const STEP_TICK: Duration = Duration::from_millis(50);

const HANDSHAKE: [&[u8]; 4] = [
    // Start the handshake.
    &[0x55, 0x03, 0x99, 0x9C, 0xAA],
    // The password.
    &[
        0x55, 0x09, 0x21, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2A, 0xAA,
    ],
    // Power up.
    &[0x55, 0x03, 0x1F, 0x22, 0xAA],
    // Stop.
    &[0x55, 0x03, 0x24, 0x27, 0xAA],
];

const FASTER: u8 = 0x01;
const SLOWER: u8 = 0x02;
const STOP: u8 = 0x24;

/// A one-byte command frame; its check byte is the command plus the length (3).
fn command(cmd: u8) -> HardwareCommand {
    HardwareCommand::write(
        Endpoint::Tx,
        [0x55, 0x03, cmd, cmd.wrapping_add(3), 0xAA],
        false,
    )
}

pub struct FredorchRotary;

#[async_trait]
impl Protocol for FredorchRotary {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn initialize(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        hw.subscribe(Endpoint::Rx).await?;
        for frame in HANDSHAKE {
            let write = HardwareCommand::write(Endpoint::Tx, frame, false);
            match write_and_await(hw, write, Endpoint::Rx, ANSWER_TIMEOUT, |_| Some(())).await {
                // The machine answers some frames and not others.
                Ok(()) | Err(DeviceError::Hardware(HardwareError::Timeout)) => {}
                Err(e) => return Err(e),
            }
        }
        let feature = definition
            .features
            .iter()
            .find(|f| f.outputs.contains_key(&OutputType::Oscillate))
            .map_or(0, |f| f.index);
        Ok(Arc::new(FredorchRotaryHandler {
            speed: Mutex::default(),
            feature,
        }))
    }
}

struct FredorchRotaryHandler {
    speed: Mutex<Stepper>,
    /// The oscillating feature, for the tick's report.
    feature: u32,
}

impl FredorchRotaryHandler {
    fn speed(&self) -> std::sync::MutexGuard<'_, Stepper> {
        self.speed.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl ProtocolHandler for FredorchRotaryHandler {
    fn encode_output(&self, change: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
        if change.output != OutputType::Oscillate {
            return Err(unsupported(NAME, change));
        }
        let mut speed = self.speed();
        speed.target = change.value;
        if change.value == 0 {
            // Stop needs no steps: the machine stops at once.
            speed.current = 0;
            return Ok(vec![command(STOP)]);
        }
        // The tick steps towards the new target.
        Ok(Vec::new())
    }

    fn tick_interval(&self) -> Option<Duration> {
        Some(STEP_TICK)
    }

    /// One speed step towards the target per tick; reports the target once there.
    fn on_tick(&self, _state: &OutputState, _idle: Duration) -> Result<OwnWrite, DeviceError> {
        let mut speed = self.speed();
        let own = OwnWrite::from(match speed.step() {
            Some(Step::Up) => vec![command(FASTER)],
            Some(Step::Down) => vec![command(SLOWER)],
            None => Vec::new(),
        });
        Ok(if speed.current == speed.target {
            own.report(self.feature, OutputType::Oscillate, speed.target)
        } else {
            own
        })
    }

    /// A speed reaches the machine through the tick's steps.
    fn carried_later(&self, change: &OutputChange) -> bool {
        change.value != 0
    }

    fn on_stop(&self, _feature: Option<u32>) {
        // The stop's zero writes the stop frame; nothing is left to step.
        *self.speed() = Stepper::default();
    }
}
