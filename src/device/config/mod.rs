//! Device configuration: the ecosystem's protocol database, user overrides, and matching
//! a found device to the protocol that speaks to it.

mod matching;
mod protocol_config;
pub(crate) mod strict_json;
mod user_config;

pub use matching::{ProtocolMatch, find_protocol};
pub use protocol_config::{
    BtleSpecifier, Communication, DeviceConfigDb, DeviceDefinition, ManufacturerData, ProtocolDef,
    SerialSpecifier,
};
pub use user_config::{FeatureOverride, OutputOverride, UserConfig, UserDeviceConfig};

/// What a device configuration is called in errors when it has no file name.
pub const DEVICE_CONFIG: &str = "device configuration";
/// What a user device configuration is called in errors when it has no file name.
pub const USER_CONFIG: &str = "user device configuration";

/// Problems in a configuration. Each names the configuration (`file`: a file name, or what
/// the text is when it came from no file), where in it, and what was expected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// The text is not JSON.
    #[error("{file}: not valid JSON at line {line}, column {column}: {message}")]
    Syntax {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// The JSON does not have the shape or values the configuration needs. `path` is a
    /// JSON path such as `protocols.lovense.defaults.features[0].output.vibrate.value`.
    #[error("{file}: at {path}: {message}")]
    Invalid {
        file: String,
        path: String,
        message: String,
    },
    /// A user setting that does not fit the device it is applied to (found at connection).
    #[error("user device configuration for device {address}: {message}")]
    DoesNotFit { address: String, message: String },
}

impl ConfigError {
    /// The same error, naming `file` as where it is.
    pub fn in_file(self, name: &str) -> ConfigError {
        match self {
            ConfigError::Syntax {
                line,
                column,
                message,
                ..
            } => ConfigError::Syntax {
                file: name.to_string(),
                line,
                column,
                message,
            },
            ConfigError::Invalid { path, message, .. } => ConfigError::Invalid {
                file: name.to_string(),
                path,
                message,
            },
            other => other,
        }
    }
}
