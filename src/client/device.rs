//! A device as the client drives it.

use std::sync::{Arc, Weak};

use super::{ClientError, ClientInner};
use crate::device::feature::{
    DeviceFeature, InputCommand, InputType, OutputType, float_to_step, position_to_step,
};
use crate::spec::message::{DeviceInfo, OutputCommand, Request, Response};

/// A command value: a fraction of the output's range, or raw steps.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum OutputValue {
    /// 0..1 (or -1..1 for signed outputs such as rotation); becomes `ceil(steps * v)`.
    Float(f64),
    Steps(i32),
}

#[derive(Clone)]
pub struct ClientDevice {
    info: DeviceInfo,
    client: Weak<ClientInner>,
}

impl std::fmt::Debug for ClientDevice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientDevice")
            .field("index", &self.info.index)
            .field("name", &self.info.name)
            .finish()
    }
}

impl ClientDevice {
    pub(crate) fn new(info: DeviceInfo, client: Weak<ClientInner>) -> ClientDevice {
        ClientDevice { info, client }
    }

    pub fn index(&self) -> u32 {
        self.info.index
    }

    pub fn name(&self) -> &str {
        &self.info.name
    }

    pub fn display_name(&self) -> Option<&str> {
        self.info.display_name.as_deref()
    }

    pub fn message_gap_ms(&self) -> u32 {
        self.info.message_gap_ms
    }

    pub fn features(&self) -> &[DeviceFeature] {
        &self.info.features
    }

    pub fn info(&self) -> &DeviceInfo {
        &self.info
    }

    /// Features that have an output of this kind.
    pub fn features_with(&self, output: OutputType) -> impl Iterator<Item = &DeviceFeature> {
        self.info
            .features
            .iter()
            .filter(move |f| f.outputs.contains_key(&output))
    }

    fn client(&self) -> Result<Arc<ClientInner>, ClientError> {
        self.client.upgrade().ok_or(ClientError::NotConnected)
    }

    fn feature(&self, index: u32) -> Result<&DeviceFeature, ClientError> {
        self.info
            .features
            .iter()
            .find(|f| f.index == index)
            .ok_or_else(|| ClientError::InvalidArgument(format!("device has no feature {index}")))
    }

    /// Converts a value to steps for one output of one feature.
    pub fn steps_for(
        &self,
        feature: u32,
        output: OutputType,
        value: OutputValue,
    ) -> Result<i32, ClientError> {
        let f = self.feature(feature)?;
        let limits = f.output(output).ok_or_else(|| {
            ClientError::InvalidArgument(format!("feature {feature} has no {output} output"))
        })?;
        let step = match value {
            OutputValue::Steps(s) => Some(s).filter(|s| limits.contains(*s)),
            OutputValue::Float(v) if output == OutputType::HwPositionWithDuration => {
                position_to_step(v, limits.step_count())
            }
            OutputValue::Float(v) => float_to_step(v, limits.step_count(), limits.value.0 < 0),
        };
        step.ok_or_else(|| {
            ClientError::InvalidArgument(format!(
                "{value:?} is outside the range of feature {feature} {output} ({}..={})",
                limits.value.0, limits.value.1
            ))
        })
    }

    /// Sets one output of one feature.
    pub async fn output(
        &self,
        feature: u32,
        output: OutputType,
        value: OutputValue,
    ) -> Result<(), ClientError> {
        let step = self.steps_for(feature, output, value)?;
        self.client()?
            .send_ok(Request::Output {
                device: self.info.index,
                feature,
                command: OutputCommand {
                    output,
                    value: step,
                    duration: None,
                },
            })
            .await
    }

    /// Sets every output of a kind to the same fraction.
    async fn all(&self, output: OutputType, value: f64) -> Result<(), ClientError> {
        let features: Vec<u32> = self.features_with(output).map(|f| f.index).collect();
        if features.is_empty() {
            return Err(ClientError::InvalidArgument(format!(
                "device has no {output} output"
            )));
        }
        for f in features {
            self.output(f, output, OutputValue::Float(value)).await?;
        }
        Ok(())
    }

    pub async fn vibrate(&self, speed: f64) -> Result<(), ClientError> {
        self.all(OutputType::Vibrate, speed).await
    }

    /// Rotation speed; negative turns the other way.
    pub async fn rotate(&self, speed: f64) -> Result<(), ClientError> {
        self.all(OutputType::Rotate, speed).await
    }

    pub async fn oscillate(&self, speed: f64) -> Result<(), ClientError> {
        self.all(OutputType::Oscillate, speed).await
    }

    pub async fn constrict(&self, level: f64) -> Result<(), ClientError> {
        self.all(OutputType::Constrict, level).await
    }

    pub async fn position(&self, position: f64) -> Result<(), ClientError> {
        self.all(OutputType::Position, position).await
    }

    /// Moves every positional feature to `position` (0..1) over `duration_ms`.
    pub async fn position_with_duration(
        &self,
        position: f64,
        duration_ms: u32,
    ) -> Result<(), ClientError> {
        let output = OutputType::HwPositionWithDuration;
        let features: Vec<u32> = self.features_with(output).map(|f| f.index).collect();
        if features.is_empty() {
            return Err(ClientError::InvalidArgument(
                "device has no timed position output".into(),
            ));
        }
        let client = self.client()?;
        for feature in features {
            let value = self.steps_for(feature, output, OutputValue::Float(position))?;
            client
                .send_ok(Request::Output {
                    device: self.info.index,
                    feature,
                    command: OutputCommand {
                        output,
                        value,
                        duration: Some(duration_ms),
                    },
                })
                .await?;
        }
        Ok(())
    }

    /// Reads an input of a feature once, in the input's units.
    pub async fn read_input(&self, feature: u32, input: InputType) -> Result<i32, ClientError> {
        let reply = self
            .client()?
            .send(Request::Input {
                device: self.info.index,
                feature,
                input,
                command: InputCommand::Read,
            })
            .await?;
        match reply {
            Response::InputReading { value, .. } => Ok(value),
            other => Err(ClientError::UnexpectedReply(format!("{other:?}"))),
        }
    }

    fn first_input(&self, input: InputType) -> Result<u32, ClientError> {
        self.info
            .features
            .iter()
            .find(|f| f.inputs.contains_key(&input))
            .map(|f| f.index)
            .ok_or_else(|| ClientError::InvalidArgument(format!("device has no {input} input")))
    }

    /// Battery level, 0..1.
    pub async fn battery(&self) -> Result<f64, ClientError> {
        let feature = self.first_input(InputType::Battery)?;
        Ok(self.read_input(feature, InputType::Battery).await? as f64 / 100.0)
    }

    /// Signal strength in dBm.
    pub async fn rssi(&self) -> Result<i32, ClientError> {
        let feature = self.first_input(InputType::Rssi)?;
        self.read_input(feature, InputType::Rssi).await
    }

    /// Asks for readings of an input as `ClientEvent::InputReading` events.
    pub async fn subscribe(&self, feature: u32, input: InputType) -> Result<(), ClientError> {
        self.input_command(feature, input, InputCommand::Subscribe)
            .await
    }

    pub async fn unsubscribe(&self, feature: u32, input: InputType) -> Result<(), ClientError> {
        self.input_command(feature, input, InputCommand::Unsubscribe)
            .await
    }

    async fn input_command(
        &self,
        feature: u32,
        input: InputType,
        command: InputCommand,
    ) -> Result<(), ClientError> {
        self.client()?
            .send_ok(Request::Input {
                device: self.info.index,
                feature,
                input,
                command,
            })
            .await
    }

    /// Stops every output and input subscription of this device.
    pub async fn stop(&self) -> Result<(), ClientError> {
        self.client()?
            .send_ok(Request::Stop {
                device: Some(self.info.index),
                feature: None,
                inputs: true,
                outputs: true,
            })
            .await
    }
}
