//! Device configuration: the ecosystem's protocol database, user overrides, and matching
//! a found device to the protocol that speaks to it.

mod matching;
mod protocol_config;
mod user_config;

pub use matching::{ProtocolMatch, find_protocol};
pub use protocol_config::{
    BtleSpecifier, Communication, DeviceConfigDb, DeviceDefinition, ManufacturerData, ProtocolDef,
    SerialSpecifier,
};
pub use user_config::{FeatureOverride, OutputOverride, UserConfig, UserDeviceConfig};

/// Problems in a configuration file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("device configuration major version {0} is not supported (4 and 5 are)")]
    UnsupportedVersion(u32),
    #[error("protocol {protocol}: {what}")]
    Invalid { protocol: String, what: String },
}
