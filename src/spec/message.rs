//! The internal message model: spec v4 semantics without JSON or message Ids.
//!
//! The server handles [`Request`]s and answers with [`Response`]s; spec versions 0-4 are
//! JSON views of this model (see the `v0`..`v4` modules), and the in-process client uses
//! it directly.

use std::sync::Arc;

use crate::device::DeviceError;
use crate::device::feature::{DeviceFeature, InputCommand, InputType, OutputLimits, OutputType};
use crate::spec::SpecVersion;

#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    RequestServerInfo {
        client_name: String,
        version: SpecVersion,
    },
    Ping,
    StartScanning,
    StopScanning,
    RequestDeviceList,
    Output {
        device: u32,
        feature: u32,
        command: OutputCommand,
    },
    /// Several outputs of one device set together: they reach the protocol as one batch
    /// (so a protocol that packs motors into one packet writes one packet).
    Outputs {
        device: u32,
        commands: Vec<(u32, OutputCommand)>,
    },
    Input {
        device: u32,
        feature: u32,
        input: InputType,
        command: InputCommand,
    },
    Stop {
        device: Option<u32>,
        feature: Option<u32>,
        inputs: bool,
        outputs: bool,
    },
    Disconnect,
}

/// A value for one output, in the client's steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutputCommand {
    pub output: OutputType,
    pub value: i32,
    /// Milliseconds; required for `HwPositionWithDuration`.
    pub duration: Option<u32>,
}

/// A device as clients see it.
#[derive(Clone, Debug, PartialEq)]
pub struct DeviceInfo {
    pub index: u32,
    pub name: String,
    pub display_name: Option<String>,
    pub message_gap_ms: u32,
    /// Client-visible features: user limits applied, disabled outputs removed.
    pub features: Arc<Vec<DeviceFeature>>,
}

impl DeviceInfo {
    /// The feature at `index`; [`DeviceError::UnknownFeature`] when there is none.
    pub fn feature(&self, index: u32) -> Result<&DeviceFeature, DeviceError> {
        self.features
            .iter()
            .find(|f| f.index == index)
            .ok_or(DeviceError::UnknownFeature(index))
    }

    /// The limits of a feature's output; the error names a missing feature or output.
    pub fn output_limits(
        &self,
        feature: u32,
        output: OutputType,
    ) -> Result<&OutputLimits, DeviceError> {
        self.feature(feature)?
            .output(output)
            .ok_or(DeviceError::UnsupportedOutput { feature, output })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Response {
    Ok,
    ServerInfo {
        server_name: String,
        max_ping_time_ms: u32,
        version: SpecVersion,
    },
    DeviceList(Vec<DeviceInfo>),
    InputReading {
        device: u32,
        feature: u32,
        input: InputType,
        value: i32,
    },
}

/// Things the server tells a client without being asked.
#[derive(Clone, Debug, PartialEq)]
pub enum ServerEvent {
    DeviceAdded(DeviceInfo),
    DeviceRemoved(u32),
    ScanningFinished,
    InputReading {
        device: u32,
        feature: u32,
        input: InputType,
        value: i32,
    },
    /// The client missed a ping; every device was stopped and the session is over.
    PingTimeout,
    /// This many events were dropped because the client did not read them fast enough.
    EventsDropped(u64),
}
