//! User device configuration, in the format Intiface Engine reads with
//! `--user-device-config-file`: extra communication specifiers and models per protocol, and
//! per-device settings (allow/deny, reserved index, display name, message gap, per-feature
//! range limits and disabled outputs).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::protocol_config::{RawProtocol, RawVersion};
use super::strict_json::{self, DeviceIndex, Millis, UserRange};
use super::{ConfigError, DeviceConfigDb, DeviceDefinition};
use crate::device::feature::{DeviceFeature, OutputType};

/// A user's change to one output of one feature.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OutputOverride {
    /// Hardware step range `[lo, hi]` the user allows, within `[0, base max]`.
    pub value: Option<(u32, u32)>,
    pub disabled: bool,
    pub reverse: bool,
}

/// A user's changes to one feature, matched to the base feature by id (or position).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FeatureOverride {
    pub base_id: Option<String>,
    pub outputs: BTreeMap<OutputType, OutputOverride>,
}

/// Settings for one physical device, found by address (and protocol/identifier if given).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UserDeviceConfig {
    pub address: String,
    pub protocol: Option<String>,
    pub identifier: Option<String>,
    pub allow: bool,
    pub deny: bool,
    pub index: Option<u32>,
    pub display_name: Option<String>,
    pub message_gap_ms: Option<u32>,
    pub features: Vec<FeatureOverride>,
}

/// Everything a user config file holds.
#[derive(Clone, Debug, Default)]
pub struct UserConfig {
    pub devices: Vec<UserDeviceConfig>,
    /// Protocol additions: communication specifiers and models, by protocol name.
    pub protocol_additions: DeviceConfigDb,
}

fn does_not_fit(address: &str, message: String) -> ConfigError {
    ConfigError::DoesNotFit {
        address: address.to_string(),
        message,
    }
}

impl UserConfig {
    /// Parses a user device configuration. Errors call it "user device configuration";
    /// see [`UserConfig::from_named_json`].
    pub fn from_json(text: &str) -> Result<UserConfig, ConfigError> {
        UserConfig::from_named_json(super::USER_CONFIG, text)
    }

    /// Parses a user device configuration; errors name it `file`, the JSON path at fault
    /// and what was expected there.
    pub fn from_named_json(file: &str, text: &str) -> Result<UserConfig, ConfigError> {
        let raw: RawUserFile = strict_json::parse(
            file,
            "a user device configuration: an object with `version` and `user_configs`",
            text,
        )?;
        raw.version.check(file)?;
        let mut config = UserConfig::default();
        let Some(user) = raw.user_configs else {
            return Ok(config);
        };
        let mut additions = DeviceConfigDb::default();
        for (name, protocol) in user.protocols.unwrap_or_default() {
            additions.insert(protocol.without_defaults().into_def(&name));
        }
        config.protocol_additions = additions;
        for (position, device) in user.devices.unwrap_or_default().into_iter().enumerate() {
            config
                .devices
                .push(device.into_config(file, &format!("user_configs.devices[{position}]"))?);
        }
        Ok(config)
    }

    /// The settings for a device, most specific entry first.
    pub fn device(
        &self,
        address: &str,
        protocol: &str,
        identifier: Option<&str>,
    ) -> Option<&UserDeviceConfig> {
        self.devices
            .iter()
            .filter(|d| d.address == address)
            .filter(|d| d.protocol.as_deref().is_none_or(|p| p == protocol))
            .max_by_key(|d| (d.protocol.is_some(), d.identifier.as_deref() == identifier))
    }

    /// Whether a device at this address may connect: never if denied; if any device is
    /// allowed, only allowed ones.
    pub fn may_connect(&self, address: &str) -> bool {
        let entries = || self.devices.iter().filter(|d| d.address == address);
        if entries().any(|d| d.deny) {
            return false;
        }
        let any_allowed = self.devices.iter().any(|d| d.allow);
        !any_allowed || entries().any(|d| d.allow)
    }

    /// Adds this config's protocol additions to `config`: communication specifiers and
    /// models extend the protocols they name; protocols it alone names are added.
    pub fn add_protocols_to(&self, config: &mut DeviceConfigDb) {
        for addition in self.protocol_additions.protocols() {
            match config.protocol_mut(&addition.name) {
                Some(existing) => {
                    existing
                        .communication
                        .extend(addition.communication.iter().cloned());
                    existing
                        .configurations
                        .extend(addition.configurations.iter().cloned());
                }
                None => config.insert(addition.clone()),
            }
        }
    }

    /// Indices users reserved, with their addresses.
    pub fn reserved_indices(&self) -> impl Iterator<Item = (u32, &str)> {
        self.devices
            .iter()
            .filter_map(|d| d.index.map(|i| (i, d.address.as_str())))
    }
}

impl UserDeviceConfig {
    /// Applies display name, gap and feature limits to a definition.
    pub fn apply(&self, definition: &mut DeviceDefinition) -> Result<(), ConfigError> {
        if self.message_gap_ms.is_some() {
            definition.message_gap_ms = self.message_gap_ms;
        }
        if self.features.is_empty() {
            return Ok(());
        }
        if self.features.len() != definition.features.len() {
            return Err(does_not_fit(
                &self.address,
                format!(
                    "it lists {} features, the device's definition has {}",
                    self.features.len(),
                    definition.features.len()
                ),
            ));
        }
        let base_ids: Vec<String> = definition.features.iter().map(|f| f.id.clone()).collect();
        for (position, o) in self.features.iter().enumerate() {
            // Match by the base feature's id where both have one, else by position.
            let target = match &o.base_id {
                Some(id) if base_ids.iter().any(|b| b == id) => {
                    base_ids.iter().position(|b| b == id).unwrap_or(position)
                }
                _ => position,
            };
            apply_feature(&self.address, &mut definition.features[target], o)?;
        }
        Ok(())
    }
}

fn apply_feature(
    address: &str,
    feature: &mut DeviceFeature,
    o: &FeatureOverride,
) -> Result<(), ConfigError> {
    for (kind, change) in &o.outputs {
        if change.disabled {
            feature.outputs.remove(kind);
            continue;
        }
        let Some(limits) = feature.outputs.get_mut(kind) else {
            continue;
        };
        if let Some((lo, hi)) = change.value {
            let base_max = limits.value.1.max(0).unsigned_abs();
            // base_max fits an i32, so inside [0, base_max] both conversions succeed.
            let fits = lo < hi && hi <= base_max;
            let (Ok(lo_step), Ok(count), true) = (
                i32::try_from(lo),
                i32::try_from(hi.saturating_sub(lo)),
                fits,
            ) else {
                return Err(does_not_fit(
                    address,
                    format!(
                        "feature {} {kind} range [{lo}, {hi}] is not inside [0, {base_max}]",
                        feature.index
                    ),
                ));
            };
            let signed = limits.value.0 < 0;
            limits.value = (if signed { -count } else { 0 }, count);
            limits.offset = lo_step;
        }
        limits.reverse = change.reverse;
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(expecting = "a user device configuration: an object with `version` and `user_configs`")]
struct RawUserFile {
    version: RawVersion,
    user_configs: Option<RawUserConfigs>,
}

#[derive(Deserialize)]
#[serde(expecting = "user configs: an object with `protocols` and `devices`")]
struct RawUserConfigs {
    protocols: Option<BTreeMap<String, RawProtocol>>,
    devices: Option<Vec<RawUserDevice>>,
}

#[derive(Deserialize)]
#[serde(expecting = "a user device entry: an object with `identifier` and `config`")]
struct RawUserDevice {
    identifier: RawUserIdentifier,
    config: Option<RawUserDeviceConfig>,
}

#[derive(Deserialize)]
#[serde(expecting = "a device identifier: an object with `address`, `protocol` and `identifier`")]
struct RawUserIdentifier {
    address: String,
    protocol: Option<String>,
    identifier: Option<String>,
}

#[derive(Deserialize)]
#[serde(expecting = "a device's settings: an object with `features` and `user_config`")]
struct RawUserDeviceConfig {
    #[serde(default)]
    features: Vec<RawUserFeature>,
    user_config: Option<RawUserSettings>,
}

#[derive(Deserialize)]
#[serde(expecting = "a feature's settings: an object with `base_id` and `output`")]
struct RawUserFeature {
    base_id: Option<String>,
    #[serde(default)]
    output: BTreeMap<String, RawUserOutput>,
}

#[derive(Deserialize)]
#[serde(expecting = "an output's settings: an object with `value`, `disabled` or `reverse`")]
struct RawUserOutput {
    value: Option<UserRange>,
    #[serde(default)]
    disabled: bool,
    #[serde(default)]
    reverse: bool,
}

#[derive(Deserialize)]
#[serde(
    expecting = "user settings: an object with `allow`, `deny`, `index`, `display_name` or `message_gap_ms`"
)]
struct RawUserSettings {
    #[serde(default)]
    allow: bool,
    #[serde(default)]
    deny: bool,
    index: Option<DeviceIndex>,
    display_name: Option<String>,
    message_gap_ms: Option<Millis>,
}

impl RawUserDevice {
    fn into_config(self, file: &str, path: &str) -> Result<UserDeviceConfig, ConfigError> {
        let config = self.config.unwrap_or(RawUserDeviceConfig {
            features: Vec::new(),
            user_config: None,
        });
        let mut features = Vec::new();
        for (position, f) in config.features.into_iter().enumerate() {
            let mut o = FeatureOverride {
                base_id: f.base_id,
                outputs: BTreeMap::new(),
            };
            for (kind, body) in f.output {
                let output_type =
                    OutputType::from_config_name(&kind).ok_or_else(|| ConfigError::Invalid {
                        file: file.to_string(),
                        path: format!("{path}.config.features[{position}].output.{kind}"),
                        message: format!(
                            "unknown output type `{kind}`, expected one of {}",
                            OutputType::ALL.map(OutputType::config_name).join(", ")
                        ),
                    })?;
                o.outputs.insert(
                    output_type,
                    OutputOverride {
                        value: body.value.map(|r| (r.0, r.1)),
                        disabled: body.disabled,
                        reverse: body.reverse,
                    },
                );
            }
            features.push(o);
        }
        let settings = config.user_config;
        Ok(UserDeviceConfig {
            address: self.identifier.address,
            protocol: self.identifier.protocol,
            identifier: self.identifier.identifier,
            allow: settings.as_ref().is_some_and(|s| s.allow),
            deny: settings.as_ref().is_some_and(|s| s.deny),
            index: settings.as_ref().and_then(|s| s.index).map(|i| i.0),
            display_name: settings.as_ref().and_then(|s| s.display_name.clone()),
            message_gap_ms: settings
                .as_ref()
                .and_then(|s| s.message_gap_ms)
                .map(|g| g.0),
            features,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::feature::OutputLimits;

    const USER: &str = r#"{
      "version": {"major": 4, "minor": 0},
      "user_configs": {
        "protocols": {"lovense": {"communication": [{"websocket": {"name": "LVSDevice"}}]}},
        "devices": [
          {"identifier": {"protocol": "lovense", "identifier": "A", "address": "AA:01"},
           "config": {"features": [
              {"base_id": "f0", "output": {"vibrate": {"value": [5, 15]}}},
              {"base_id": "f1", "output": {"rotate": {"disabled": true}}}],
            "user_config": {"display_name": "Bedroom Nora", "allow": false, "deny": false, "index": 7}}},
          {"identifier": {"protocol": "lovense", "identifier": null, "address": "BB:02"},
           "config": {"user_config": {"deny": true, "index": 3}}}
        ]
      }
    }"#;

    fn nora() -> DeviceDefinition {
        let f = |index: u32, id: &str, kind, lo, hi| {
            let mut outputs = BTreeMap::new();
            outputs.insert(kind, OutputLimits::new(lo, hi));
            DeviceFeature {
                index,
                id: id.into(),
                description: String::new(),
                outputs,
                inputs: BTreeMap::new(),
            }
        };
        DeviceDefinition {
            id: String::new(),
            name: "Lovense Nora".into(),
            identifiers: vec!["A".into()],
            features: vec![
                f(0, "f0", OutputType::Vibrate, 0, 20),
                f(1, "f1", OutputType::Rotate, -20, 20),
            ],
            message_gap_ms: None,
            protocol_variant: None,
        }
    }

    #[test]
    fn parses_devices_and_protocol_additions() {
        let user = UserConfig::from_json(USER).unwrap();
        assert_eq!(user.devices.len(), 2);
        let d = user.device("AA:01", "lovense", Some("A")).unwrap();
        assert_eq!(d.display_name.as_deref(), Some("Bedroom Nora"));
        assert_eq!(d.index, Some(7));
        assert!(!user.may_connect("BB:02"));
        assert!(user.may_connect("CC:03"));
        let p = user.protocol_additions.protocol("lovense").unwrap();
        assert!(
            matches!(&p.communication[0], super::super::Communication::Websocket { names } if names == &["LVSDevice"])
        );
        assert_eq!(
            user.reserved_indices().collect::<Vec<_>>(),
            vec![(7, "AA:01"), (3, "BB:02")]
        );
    }

    #[test]
    fn limits_and_disables_features() {
        let user = UserConfig::from_json(USER).unwrap();
        let mut def = nora();
        user.device("AA:01", "lovense", Some("A"))
            .unwrap()
            .apply(&mut def)
            .unwrap();
        let vib = &def.features[0].outputs[&OutputType::Vibrate];
        assert_eq!(vib.value, (0, 10));
        assert_eq!(vib.to_hardware(OutputType::Vibrate, 1), Some(6));
        assert!(def.features[1].outputs.is_empty());
    }

    #[test]
    fn allow_list_excludes_others() {
        let text = r#"{"version":{"major":4,"minor":0},"user_configs":{"devices":[
          {"identifier":{"address":"AA"},"config":{"user_config":{"allow":true,"index":0}}}]}}"#;
        let user = UserConfig::from_json(text).unwrap();
        assert!(user.may_connect("AA"));
        assert!(!user.may_connect("BB"));
    }

    #[test]
    fn rejects_ranges_outside_the_base() {
        let text = r#"{"version":{"major":4,"minor":0},"user_configs":{"devices":[
          {"identifier":{"address":"AA"},"config":{"features":[
            {"output":{"vibrate":{"value":[0,40]}}},{}],"user_config":{"index":0}}}]}}"#;
        let user = UserConfig::from_json(text).unwrap();
        let mut def = nora();
        assert!(user.devices[0].apply(&mut def).is_err());
    }
}
