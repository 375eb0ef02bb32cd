//! OSSM (Kinky Makers open-source stroking machine): ASCII commands on `tx`, written with
//! response. The machine has two modes the handler switches between through its menu:
//! - the stroke engine, for oscillation: `set:speed:<0..100>`;
//! - streaming, for timed moves: `stream:<position 0..100>:<ms>`.
//!
//! Entering a mode writes `go:menu`, `go:<mode>`, then makes the speed knob independent of
//! the BLE speed (`false` to `txmode`) and sets depth and stroke to full (`set:depth:100`,
//! `set:stroke:100`); streaming also sets `set:speed:100`. State reports (JSON) arrive on
//! `rx`, which is subscribed at connect; no input is read from them.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use super::handler_kit::{duration_of, unsupported};
use crate::device::config::DeviceDefinition;
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{HardwareCommand, OutputChange, Protocol, ProtocolHandler};
use crate::hardware::{Endpoint, HardwareDevice};

const NAME: &str = "ossm";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Not switched by us yet (the machine may be anywhere, typically its menu).
    Unknown,
    StrokeEngine,
    Streaming,
}

impl Mode {
    fn firmware_name(self) -> &'static str {
        match self {
            Mode::StrokeEngine => "strokeEngine",
            Mode::Streaming => "streaming",
            Mode::Unknown => "menu",
        }
    }
}

fn command(text: impl Into<String>) -> HardwareCommand {
    HardwareCommand::write(Endpoint::Tx, text.into().into_bytes(), true)
}

/// The writes that move the machine into `mode` and prepare it.
fn enter(mode: Mode) -> Vec<HardwareCommand> {
    let mut out = vec![
        command("go:menu"),
        command(format!("go:{}", mode.firmware_name())),
        HardwareCommand::write(Endpoint::TxMode, b"false".to_vec(), true),
        command("set:depth:100"),
        command("set:stroke:100"),
    ];
    if mode == Mode::Streaming {
        out.push(command("set:speed:100"));
    }
    out
}

pub struct Ossm;

#[async_trait]
impl Protocol for Ossm {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn initialize(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        _definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        hw.subscribe(Endpoint::Rx).await?;
        Ok(Arc::new(OssmHandler {
            mode: Mutex::new(Mode::Unknown),
        }))
    }
}

struct OssmHandler {
    mode: Mutex<Mode>,
}

impl OssmHandler {
    /// The mode switch needed before a command of `wanted` (none when already there).
    fn switch_to(&self, wanted: Mode) -> Vec<HardwareCommand> {
        let mut mode = self.mode.lock().unwrap_or_else(|e| e.into_inner());
        if *mode == wanted {
            return Vec::new();
        }
        *mode = wanted;
        enter(wanted)
    }

    fn forget_mode(&self) {
        *self.mode.lock().unwrap_or_else(|e| e.into_inner()) = Mode::Unknown;
    }

    fn current(&self) -> Mode {
        *self.mode.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl ProtocolHandler for OssmHandler {
    fn encode_output(&self, change: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
        match (change.output, change.feature) {
            (OutputType::Oscillate, 0) => {
                if change.value == 0 {
                    match self.current() {
                        Mode::StrokeEngine => {}
                        // A stop while streaming: a move may run for up to 100 s, so the
                        // speed limit goes to 0 at once, and the next move enters streaming
                        // again (which sets the limit back to 100).
                        Mode::Streaming => {
                            self.forget_mode();
                            return Ok(vec![command("set:speed:0")]);
                        }
                        // Not switched by us: nothing of ours runs.
                        Mode::Unknown => return Ok(Vec::new()),
                    }
                }
                let mut out = self.switch_to(Mode::StrokeEngine);
                out.push(command(format!("set:speed:{}", change.value)));
                Ok(out)
            }
            (OutputType::HwPositionWithDuration, 0) => {
                let duration = duration_of(change)?;
                let mut out = self.switch_to(Mode::Streaming);
                out.push(command(format!("stream:{}:{duration}", change.value)));
                Ok(out)
            }
            _ => Err(unsupported(NAME, change)),
        }
    }
}
