//! The protocol-handler interface: how a protocol identifies and initialises a device,
//! turns output values into bytes, reads inputs, and keeps the hardware awake.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use crate::device::config::{DeviceDefinition, ProtocolDef};
use crate::device::error::DeviceError;
use crate::device::feature::{DeviceFeature, InputType, OutputType};
use crate::hardware::simulated::{SimulatedDeviceSpec, SimulatedResponder};
use crate::hardware::{Endpoint, HardwareDevice, HardwareError, HardwareEvent, HardwareInfo};

/// A new value for one output of one feature, in hardware steps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputChange {
    pub feature: u32,
    pub output: OutputType,
    pub value: i32,
    /// Milliseconds, for `HwPositionWithDuration`.
    pub duration: Option<u32>,
}

/// The value every output was last set to (0 when never set), with the changes of the
/// current batch applied. Protocols that pack several motors into one packet read it.
#[derive(Clone, Debug, Default)]
pub struct OutputState {
    values: BTreeMap<(u32, OutputType), i32>,
}

impl OutputState {
    pub fn get(&self, feature: u32, output: OutputType) -> i32 {
        self.values.get(&(feature, output)).copied().unwrap_or(0)
    }

    pub fn set(&mut self, feature: u32, output: OutputType, value: i32) {
        self.values.insert((feature, output), value);
    }
}

/// One operation on the hardware.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HardwareCommand {
    Write {
        endpoint: Endpoint,
        data: Vec<u8>,
        with_response: bool,
    },
    Subscribe(Endpoint),
    Unsubscribe(Endpoint),
}

impl HardwareCommand {
    pub fn write(endpoint: Endpoint, data: impl Into<Vec<u8>>, with_response: bool) -> Self {
        HardwareCommand::Write {
            endpoint,
            data: data.into(),
            with_response,
        }
    }

    pub async fn run(&self, hw: &dyn HardwareDevice) -> Result<(), HardwareError> {
        match self {
            HardwareCommand::Write {
                endpoint,
                data,
                with_response,
            } => hw.write(*endpoint, data, *with_response).await,
            HardwareCommand::Subscribe(e) => hw.subscribe(*e).await,
            HardwareCommand::Unsubscribe(e) => hw.unsubscribe(*e).await,
        }
    }
}

/// A write a protocol makes on its own (from [`ProtocolHandler::on_tick`]): the hardware
/// operations, and what they do to the toy's outputs. The device task writes the commands
/// like any other and records the reports in its picture of the toy, so a value the
/// protocol changed (a spray that switched itself off, a move that arrived, a level that
/// rode on a step packet) is known, and a client's next command is compared with what the
/// toy really has.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OwnWrite {
    pub commands: Vec<HardwareCommand>,
    /// Outputs whose value on the toy these commands set (in hardware steps). A report
    /// equal to what was last asked for means the toy now has it; a different one is the
    /// protocol's own change.
    pub reports: Vec<Reported>,
}

/// One output's value on the toy, as a protocol's own write leaves it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reported {
    pub feature: u32,
    pub output: OutputType,
    pub value: i32,
}

impl OwnWrite {
    /// Adds a report of `output` of `feature` now being `value` on the toy.
    pub fn report(mut self, feature: u32, output: OutputType, value: i32) -> Self {
        self.reports.push(Reported {
            feature,
            output,
            value,
        });
        self
    }

    pub fn is_empty(&self) -> bool {
        self.commands.is_empty() && self.reports.is_empty()
    }
}

/// A refresh (re-sending what the toy already has) changes nothing: no reports.
impl From<Vec<HardwareCommand>> for OwnWrite {
    fn from(commands: Vec<HardwareCommand>) -> Self {
        OwnWrite {
            commands,
            reports: Vec::new(),
        }
    }
}

/// What the device task does to keep a device from going silent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Keepalive {
    None,
    /// Re-send the last output packets when nothing was written for `interval`
    /// (a stop packet if nothing was written yet).
    RepeatLast(Duration),
    /// Send this packet every `interval`, whatever else is written.
    Packet(Duration, HardwareCommand),
}

/// A protocol bound to one connected device.
#[async_trait]
pub trait ProtocolHandler: Send + Sync {
    /// Turns a batch of changed outputs into hardware commands. `state` holds the current
    /// value of every output with the batch applied. The default encodes each change alone.
    fn encode_outputs(
        &self,
        changes: &[OutputChange],
        state: &OutputState,
    ) -> Result<Vec<HardwareCommand>, DeviceError> {
        let _ = state;
        let mut commands = Vec::with_capacity(changes.len());
        for change in changes {
            commands.extend(self.encode_output(change)?);
        }
        Ok(commands)
    }

    /// Encodes one output change.
    fn encode_output(&self, change: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
        Err(DeviceError::Unsupported(format!(
            "{} on feature {}",
            change.output, change.feature
        )))
    }

    fn keepalive(&self) -> Keepalive {
        Keepalive::None
    }

    /// How often the device task offers the protocol a chance to write on its own
    /// ([`ProtocolHandler::on_tick`]): movers stepping towards a goal, refreshes, motors
    /// taking turns, timed switch-offs. `None`: never.
    fn tick_interval(&self) -> Option<Duration> {
        None
    }

    /// Called by the device task every [`ProtocolHandler::tick_interval`] once the message
    /// gap has passed, with the current output values and the time since the last write.
    /// What it returns is written like any command (timeouts, gap), and its reports update
    /// the device task's picture of the toy. After [`ProtocolHandler::on_stop`] it must
    /// return nothing that makes the toy run.
    fn on_tick(&self, state: &OutputState, idle: Duration) -> Result<OwnWrite, DeviceError> {
        let _ = (state, idle);
        Ok(OwnWrite::default())
    }

    /// Whether the value of `change`, just encoded, reaches the toy only later, through
    /// the protocol's own writes (a timed move its tick walks, a level that rides on the
    /// next step packet, a speed stepped by button taps). Such a value is not on the toy
    /// when the encoded commands are written: the device task does not count it as known
    /// (a repeat of it is written again, a stop writes its zero) until a tick reports it.
    fn carried_later(&self, change: &OutputChange) -> bool {
        let _ = change;
        false
    }

    /// A new connection to a toy that was lost while the server still held it: `last` is
    /// what the previous connection last asked of it. The toy may still be doing it; a
    /// protocol that tracks state the toy never reports (an on/off toggle) takes its belief
    /// from here, so the stop that follows the reconnect really stops the toy.
    fn resume(&self, last: &OutputState) {
        let _ = last;
    }

    /// The device task is stopping the outputs of `feature` (all when `None`): end any
    /// motion the protocol drives on its own. Called before the zeros are written.
    fn on_stop(&self, feature: Option<u32>) {
        let _ = feature;
    }

    /// Reads an input once; the value is in the input's units (battery 0..100).
    async fn read_input(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        feature: &DeviceFeature,
        input: InputType,
    ) -> Result<i32, DeviceError> {
        let _ = hw;
        Err(DeviceError::UnsupportedInput {
            feature: feature.index,
            input,
        })
    }

    /// Commands that start (or stop) reports of an input; reports then arrive as
    /// notifications that [`ProtocolHandler::parse_notification`] understands.
    fn subscribe_commands(
        &self,
        feature: &DeviceFeature,
        input: InputType,
        subscribe: bool,
    ) -> Result<Vec<HardwareCommand>, DeviceError> {
        let _ = subscribe;
        Err(DeviceError::UnsupportedInput {
            feature: feature.index,
            input,
        })
    }

    /// Readings carried by a notification: (feature index, input, value).
    fn parse_notification(&self, endpoint: Endpoint, data: &[u8]) -> Vec<(u32, InputType, i32)> {
        let _ = (endpoint, data);
        Vec::new()
    }
}

/// A protocol family: identifies models and creates handlers for connected devices.
#[async_trait]
pub trait Protocol: Send + Sync {
    /// The protocol's name in device configuration files.
    fn name(&self) -> &'static str;

    /// Finds out which model is connected; returns a configuration identifier, or `None`
    /// to use the configuration matched by name (or the protocol defaults).
    async fn identify(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        info: &HardwareInfo,
    ) -> Result<Option<String>, DeviceError> {
        let _ = (hw, info);
        Ok(None)
    }

    /// The protocol that drives the model `identify` found, when that is another protocol
    /// of the family (which then initialises the device with its own definitions).
    fn hand_over(&self, identifier: &str) -> Option<&'static str> {
        let _ = identifier;
        None
    }

    /// Runs the initialisation handshake and returns the handler for this device.
    async fn initialize(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError>;

    /// How a simulated toy of this protocol answers, where the protocol needs answers.
    fn simulated_responder(
        &self,
        protocol: &ProtocolDef,
        spec: &SimulatedDeviceSpec,
    ) -> Option<Box<dyn SimulatedResponder>> {
        let _ = (protocol, spec);
        None
    }
}

/// Writes `data` and waits for the first notification on `reply_endpoint` that `accept`
/// turns into a value. Subscribes to events before writing so the answer cannot be missed.
pub async fn write_and_await<T>(
    hw: &Arc<dyn HardwareDevice>,
    write: HardwareCommand,
    reply_endpoint: Endpoint,
    timeout: Duration,
    mut accept: impl FnMut(&[u8]) -> Option<T> + Send,
) -> Result<T, DeviceError> {
    let mut events = hw.events();
    write.run(hw.as_ref()).await?;
    let wait = async {
        loop {
            match events.recv().await {
                Ok(HardwareEvent::Notification { endpoint, data })
                    if endpoint == reply_endpoint =>
                {
                    if let Some(v) = accept(&data) {
                        return Ok(v);
                    }
                }
                Ok(HardwareEvent::Disconnected) => return Err(HardwareError::Disconnected.into()),
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(tokio::sync::broadcast::error::RecvError::Closed) => {
                    return Err(HardwareError::Disconnected.into());
                }
            }
        }
    };
    tokio::time::timeout(timeout, wait)
        .await
        .map_err(|_| DeviceError::Hardware(HardwareError::Timeout))?
}
