//! A connected device as the server holds it: its client-visible description, checks on
//! every command, and the channel to its device task.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use crate::device::device_task::{DeviceTask, DeviceTaskEvent, TaskCommand};
use crate::device::error::DeviceError;
use crate::device::feature::{DeviceFeature, InputCommand, InputType, OutputType};
use crate::device::protocol::{OutputChange, ProtocolHandler};
use crate::hardware::HardwareDevice;
use crate::spec::message::{DeviceInfo, OutputCommand};

pub struct ServerDevice {
    info: DeviceInfo,
    address: String,
    protocol: String,
    hw: Arc<dyn HardwareDevice>,
    handler: Arc<dyn ProtocolHandler>,
    tx: mpsc::UnboundedSender<TaskCommand>,
}

/// What the device manager needs to create a device.
pub struct NewDevice {
    pub info: DeviceInfo,
    pub address: String,
    pub protocol: String,
    pub hw: Arc<dyn HardwareDevice>,
    pub handler: Arc<dyn ProtocolHandler>,
    pub events: mpsc::UnboundedSender<DeviceTaskEvent>,
}

impl ServerDevice {
    /// Starts the device task and returns the device.
    pub fn start(new: NewDevice) -> Arc<ServerDevice> {
        let (tx, rx) = mpsc::unbounded_channel();
        DeviceTask {
            index: new.info.index,
            hw: new.hw.clone(),
            handler: new.handler.clone(),
            features: new.info.features.clone(),
            gap: Duration::from_millis(new.info.message_gap_ms as u64),
            events: new.events,
        }
        .spawn(rx);
        Arc::new(ServerDevice {
            info: new.info,
            address: new.address,
            protocol: new.protocol,
            hw: new.hw,
            handler: new.handler,
            tx,
        })
    }

    pub fn info(&self) -> &DeviceInfo {
        &self.info
    }

    pub fn index(&self) -> u32 {
        self.info.index
    }

    pub fn address(&self) -> &str {
        &self.address
    }

    pub fn protocol(&self) -> &str {
        &self.protocol
    }

    fn feature(&self, index: u32) -> Result<&DeviceFeature, DeviceError> {
        self.info
            .features
            .iter()
            .find(|f| f.index == index)
            .ok_or(DeviceError::UnknownFeature(index))
    }

    async fn send(
        &self,
        make: impl FnOnce(oneshot::Sender<Result<(), DeviceError>>) -> TaskCommand,
    ) -> Result<(), DeviceError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(make(reply))
            .map_err(|_| DeviceError::Removed)?;
        rx.await.map_err(|_| DeviceError::Removed)?
    }

    /// Checks a command against the feature and sends it to the device task. Resolves
    /// once the value (or a newer one) has been written, or was already on the device.
    pub async fn output(&self, feature: u32, command: OutputCommand) -> Result<(), DeviceError> {
        let f = self.feature(feature)?;
        let output = command.output;
        let limits = f
            .output(output)
            .ok_or(DeviceError::UnsupportedOutput { feature, output })?;
        // Checks the range (and overflow) before any arithmetic on the value.
        let Some(hardware_value) = limits.to_hardware(output, command.value) else {
            return Err(DeviceError::ValueOutOfRange {
                feature,
                output,
                value: command.value,
                lo: limits.value.0,
                hi: limits.value.1,
            });
        };
        let duration = match (output, command.duration, limits.duration) {
            (OutputType::HwPositionWithDuration, None, _) => {
                return Err(DeviceError::MissingDuration { output });
            }
            (_, Some(d), Some((lo, hi))) if d < lo || d > hi => {
                return Err(DeviceError::DurationOutOfRange {
                    feature,
                    duration: d,
                    lo,
                    hi,
                });
            }
            (_, d, _) => d,
        };
        let change = OutputChange {
            feature,
            output,
            value: hardware_value,
            duration,
        };
        self.send(|reply| TaskCommand::Output { change, reply })
            .await
    }

    /// Stops outputs (one zero per stoppable output) and/or input subscriptions, of one
    /// feature or all.
    pub async fn stop(
        &self,
        feature: Option<u32>,
        outputs: bool,
        inputs: bool,
    ) -> Result<(), DeviceError> {
        if let Some(f) = feature {
            self.feature(f)?;
        }
        self.send(|reply| TaskCommand::Stop {
            feature,
            outputs,
            inputs,
            reply: Some(reply),
        })
        .await
    }

    /// Reads, subscribes to or unsubscribes from an input. A read returns its value.
    pub async fn input(
        &self,
        feature: u32,
        input: InputType,
        command: InputCommand,
    ) -> Result<Option<i32>, DeviceError> {
        let f = self.feature(feature)?;
        let limits = f
            .input(input)
            .ok_or(DeviceError::UnsupportedInput { feature, input })?;
        if !limits.accepts(command) {
            return Err(DeviceError::UnsupportedInputCommand {
                feature,
                input,
                command,
            });
        }
        match command {
            // Reads run beside the device task so a slow answer never delays outputs.
            InputCommand::Read => self.handler.read_input(&self.hw, f, input).await.map(Some),
            InputCommand::Subscribe | InputCommand::Unsubscribe => {
                let subscribe = command == InputCommand::Subscribe;
                self.send(|reply| TaskCommand::Subscribe {
                    feature,
                    input,
                    subscribe,
                    reply,
                })
                .await
                .map(|_| None)
            }
        }
    }

    /// Disconnects the hardware; the device task then reports the removal.
    pub async fn disconnect(&self) {
        self.hw.disconnect().await;
    }
}
