//! A device as the client drives it.

use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Weak};

use super::{ClientError, ClientInner, expect_ok};
use crate::device::ClaimEnd;
use crate::device::feature::{
    DeviceFeature, InputCommand, InputType, OutputType, float_to_step, position_to_step,
};
use crate::device::output_claims::{Ended, OutputClaims, tell};
use crate::server::ResponseFuture;
use crate::spec::message::{DeviceInfo, OutputCommand, Request, Response};

/// A command value: a fraction of the output's range, or raw steps.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum OutputValue {
    /// 0..1 (or -1..1 for signed outputs such as rotation); becomes `ceil(steps * v)`.
    Float(f64),
    Steps(i32),
}

/// A device as the client holds it; shared by every clone of its [`ClientDevice`]. A
/// device the server announces again (a new connection of the toy, a reconnect) is a new
/// one: claims of the old one never cover it.
pub(crate) struct DeviceShared {
    pub(crate) info: DeviceInfo,
    pub(crate) client: Weak<ClientInner>,
    /// Outputs under a playback of this client (see `super::playback`).
    pub(crate) claims: OutputClaims,
    /// Playback writes to this device waiting for the server's reply.
    pub(crate) in_flight: Arc<AtomicUsize>,
}

impl Drop for DeviceShared {
    fn drop(&mut self) {
        // The client let the device go: playbacks of it end with it.
        let ended = self.claims.lock().end(None);
        tell(ended, self.info.index, ClaimEnd::Removed);
    }
}

#[derive(Clone)]
pub struct ClientDevice {
    shared: Arc<DeviceShared>,
}

impl std::fmt::Debug for ClientDevice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientDevice")
            .field("index", &self.shared.info.index)
            .field("name", &self.shared.info.name)
            .finish()
    }
}

impl ClientDevice {
    pub(crate) fn new(info: DeviceInfo, client: Weak<ClientInner>) -> ClientDevice {
        ClientDevice {
            shared: Arc::new(DeviceShared {
                info,
                client,
                claims: OutputClaims::default(),
                in_flight: Arc::default(),
            }),
        }
    }

    pub(crate) fn shared(&self) -> &Arc<DeviceShared> {
        &self.shared
    }

    /// Ends this client's playback claims on the device (of one feature, or all), to be
    /// told once no lock is held.
    pub(crate) fn end_claims(&self, feature: Option<u32>) -> (u32, Ended) {
        (self.index(), self.shared.claims.lock().end(feature))
    }

    pub fn index(&self) -> u32 {
        self.shared.info.index
    }

    pub fn name(&self) -> &str {
        &self.shared.info.name
    }

    pub fn display_name(&self) -> Option<&str> {
        self.shared.info.display_name.as_deref()
    }

    pub fn message_gap_ms(&self) -> u32 {
        self.shared.info.message_gap_ms
    }

    pub fn features(&self) -> &[DeviceFeature] {
        &self.shared.info.features
    }

    pub fn info(&self) -> &DeviceInfo {
        &self.shared.info
    }

    /// Features that have an output of this kind.
    pub fn features_with(&self, output: OutputType) -> impl Iterator<Item = &DeviceFeature> {
        self.shared
            .info
            .features
            .iter()
            .filter(move |f| f.outputs.contains_key(&output))
    }

    fn client(&self) -> Result<Arc<ClientInner>, ClientError> {
        self.shared
            .client
            .upgrade()
            .ok_or(ClientError::NotConnected)
    }

    fn feature(&self, index: u32) -> Result<&DeviceFeature, ClientError> {
        self.shared
            .info
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

    /// Checks a value for one output of one feature and makes it a command.
    fn command(
        &self,
        feature: u32,
        output: OutputType,
        value: OutputValue,
        duration: Option<u32>,
    ) -> Result<(u32, OutputCommand), ClientError> {
        if output == OutputType::HwPositionWithDuration && duration.is_none() {
            return Err(ClientError::InvalidArgument(
                "a timed position move needs a duration".into(),
            ));
        }
        let value = self.steps_for(feature, output, value)?;
        Ok((
            feature,
            OutputCommand {
                output,
                value,
                duration,
            },
        ))
    }

    /// Submits several outputs of this device to be set together: they reach the device
    /// as one batch (a protocol that packs motors into one packet writes one packet). The
    /// request is on its way, in order, when this returns; the future resolves with the
    /// reply. Each entry is (feature, output, value, duration in ms for timed moves).
    pub fn submit_outputs(
        &self,
        outputs: &[(u32, OutputType, OutputValue, Option<u32>)],
    ) -> Result<ResponseFuture, ClientError> {
        if outputs.is_empty() {
            return Err(ClientError::InvalidArgument("no outputs given".into()));
        }
        let commands = outputs
            .iter()
            .map(|(f, o, v, d)| self.command(*f, *o, *v, *d))
            .collect::<Result<Vec<_>, _>>()?;
        self.client()?
            .submit(outputs_request(self.shared.info.index, commands))
    }

    /// Sets several outputs together; see [`ClientDevice::submit_outputs`].
    pub async fn outputs(
        &self,
        outputs: &[(u32, OutputType, OutputValue, Option<u32>)],
    ) -> Result<(), ClientError> {
        expect_ok(self.submit_outputs(outputs)?.await?)
    }

    /// Sets one output of one feature.
    pub async fn output(
        &self,
        feature: u32,
        output: OutputType,
        value: OutputValue,
    ) -> Result<(), ClientError> {
        self.outputs(&[(feature, output, value, None)]).await
    }

    /// Sets every output of a kind to the same fraction, as one batch.
    async fn all(
        &self,
        output: OutputType,
        value: f64,
        duration: Option<u32>,
    ) -> Result<(), ClientError> {
        let outputs: Vec<_> = self
            .features_with(output)
            .map(|f| (f.index, output, OutputValue::Float(value), duration))
            .collect();
        if outputs.is_empty() {
            return Err(ClientError::InvalidArgument(format!(
                "device has no {output} output"
            )));
        }
        self.outputs(&outputs).await
    }

    pub async fn vibrate(&self, speed: f64) -> Result<(), ClientError> {
        self.all(OutputType::Vibrate, speed, None).await
    }

    /// Rotation speed; negative turns the other way.
    pub async fn rotate(&self, speed: f64) -> Result<(), ClientError> {
        self.all(OutputType::Rotate, speed, None).await
    }

    pub async fn oscillate(&self, speed: f64) -> Result<(), ClientError> {
        self.all(OutputType::Oscillate, speed, None).await
    }

    pub async fn constrict(&self, level: f64) -> Result<(), ClientError> {
        self.all(OutputType::Constrict, level, None).await
    }

    pub async fn position(&self, position: f64) -> Result<(), ClientError> {
        self.all(OutputType::Position, position, None).await
    }

    /// Moves every positional feature to `position` (0..1) over `duration_ms`.
    pub async fn position_with_duration(
        &self,
        position: f64,
        duration_ms: u32,
    ) -> Result<(), ClientError> {
        self.all(
            OutputType::HwPositionWithDuration,
            position,
            Some(duration_ms),
        )
        .await
    }

    /// Reads an input of a feature once, in the input's units.
    pub async fn read_input(&self, feature: u32, input: InputType) -> Result<i32, ClientError> {
        let reply = self
            .client()?
            .send(Request::Input {
                device: self.shared.info.index,
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
        self.shared
            .info
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
                device: self.shared.info.index,
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
                device: Some(self.shared.info.index),
                feature: None,
                inputs: true,
                outputs: true,
            })
            .await
    }
}

/// The request that sets these outputs of a device together (one batch on the device).
pub(crate) fn outputs_request(device: u32, mut commands: Vec<(u32, OutputCommand)>) -> Request {
    if commands.len() == 1 {
        let (feature, command) = commands.remove(0);
        Request::Output {
            device,
            feature,
            command,
        }
    } else {
        Request::Outputs { device, commands }
    }
}
