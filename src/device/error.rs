//! Errors of the device layer.

use crate::device::ClaimToken;
use crate::device::feature::{InputCommand, InputType, OutputType};
use crate::hardware::HardwareError;
use crate::spec::message::OutputCommand;

#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum DeviceError {
    #[error("device has no feature {0}")]
    UnknownFeature(u32),
    #[error("feature {feature} has no {output} output")]
    UnsupportedOutput { feature: u32, output: OutputType },
    #[error("feature {feature} has no {input} input")]
    UnsupportedInput { feature: u32, input: InputType },
    #[error("feature {feature} does not accept {command:?} for {input}")]
    UnsupportedInputCommand {
        feature: u32,
        input: InputType,
        command: InputCommand,
    },
    #[error("value {value} is outside {lo}..={hi} for feature {feature} {output}")]
    ValueOutOfRange {
        feature: u32,
        output: OutputType,
        value: i32,
        lo: i32,
        hi: i32,
    },
    #[error("duration {duration} ms is outside {lo}..={hi} for feature {feature}")]
    DurationOutOfRange {
        feature: u32,
        duration: u32,
        lo: u32,
        hi: u32,
    },
    #[error("{output} needs a duration")]
    MissingDuration { output: OutputType },
    #[error("the protocol cannot do this: {0}")]
    Unsupported(String),
    #[error("protocol error: {0}")]
    Protocol(String),
    #[error("device was removed")]
    Removed,
    #[error("device is busy: {0} stops, subscriptions and queries are already waiting")]
    Busy(usize),
    /// Carried on as [`crate::spec::error::Cause::UnderPlayback`] (the REST API's 409).
    #[error(
        "feature {feature} {output} is under playback; stop the playback (or the device) first"
    )]
    UnderPlayback { feature: u32, output: OutputType },
    #[error("the playback of feature {feature} {output} has ended")]
    PlaybackEnded { feature: u32, output: OutputType },
    #[error(transparent)]
    Hardware(#[from] HardwareError),
}

impl DeviceError {
    /// A playback batch none of whose claims holds any more (named after its first value).
    pub(crate) fn playback_ended(batch: &[(ClaimToken, OutputCommand)]) -> DeviceError {
        let (feature, output) = batch
            .first()
            .map_or((0, OutputType::Vibrate), |(t, _)| (t.feature, t.output));
        DeviceError::PlaybackEnded { feature, output }
    }
}
