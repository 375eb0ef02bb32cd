//! User device configuration, in the format Intiface Engine reads with
//! `--user-device-config-file`: extra communication specifiers and models per protocol, and
//! per-device settings (allow/deny, reserved index, display name, message gap, per-feature
//! range limits and disabled outputs).

use std::collections::BTreeMap;

use serde_json::Value;

use super::protocol_config::{RawDefinition, parse_communication};
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

fn invalid(what: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        protocol: "user config".into(),
        what: what.into(),
    }
}

impl UserConfig {
    pub fn from_json(text: &str) -> Result<UserConfig, ConfigError> {
        let root: Value = serde_json::from_str(text)?;
        if let Some(major) = root.pointer("/version/major").and_then(Value::as_u64) {
            if !(4..=5).contains(&major) {
                return Err(ConfigError::UnsupportedVersion(major as u32));
            }
        }
        let mut config = UserConfig::default();
        let Some(user) = root.get("user_configs").filter(|v| !v.is_null()) else {
            return Ok(config);
        };
        if let Some(protocols) = user.get("protocols").and_then(Value::as_object) {
            config.protocol_additions = parse_protocol_additions(protocols)?;
        }
        if let Some(devices) = user.get("devices").and_then(Value::as_array) {
            for entry in devices {
                config.devices.push(parse_device(entry)?);
            }
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
            return Err(invalid(format!(
                "device {} lists {} features, its definition has {}",
                self.address,
                self.features.len(),
                definition.features.len()
            )));
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
            apply_feature(&mut definition.features[target], o)?;
        }
        Ok(())
    }
}

fn apply_feature(feature: &mut DeviceFeature, o: &FeatureOverride) -> Result<(), ConfigError> {
    for (kind, change) in &o.outputs {
        if change.disabled {
            feature.outputs.remove(kind);
            continue;
        }
        let Some(limits) = feature.outputs.get_mut(kind) else {
            continue;
        };
        if let Some((lo, hi)) = change.value {
            let base_max = limits.value.1.max(0) as u32;
            if lo >= hi || hi > base_max {
                return Err(invalid(format!(
                    "feature {} {kind} range [{lo}, {hi}] is not inside [0, {base_max}]",
                    feature.index
                )));
            }
            let count = (hi - lo) as i32;
            let signed = limits.value.0 < 0;
            limits.value = (if signed { -count } else { 0 }, count);
            limits.offset = lo as i32;
        }
        limits.reverse = change.reverse;
    }
    Ok(())
}

fn parse_protocol_additions(
    protocols: &serde_json::Map<String, Value>,
) -> Result<DeviceConfigDb, ConfigError> {
    // The additions have the shape of a device config file; reuse that parser.
    let mut file = serde_json::Map::new();
    file.insert(
        "version".into(),
        serde_json::json!({"major": 4, "minor": 0}),
    );
    let mut cleaned = serde_json::Map::new();
    for (name, p) in protocols {
        let mut p = p.clone();
        if let Some(obj) = p.as_object_mut() {
            // `defaults` in a user file is ignored.
            obj.remove("defaults");
            if let Some(comms) = obj.get("communication").and_then(Value::as_array) {
                for c in comms {
                    for (kind, body) in c.as_object().into_iter().flatten() {
                        parse_communication(name, kind, body.clone())?;
                    }
                }
            }
            if let Some(configs) = obj.get("configurations").and_then(Value::as_array) {
                for c in configs {
                    let _: RawDefinition = serde_json::from_value(c.clone())?;
                }
            }
        }
        cleaned.insert(name.clone(), p);
    }
    file.insert("protocols".into(), Value::Object(cleaned));
    DeviceConfigDb::from_json(&Value::Object(file).to_string())
}

fn parse_device(entry: &Value) -> Result<UserDeviceConfig, ConfigError> {
    let identifier = entry
        .get("identifier")
        .ok_or_else(|| invalid("device entry without identifier"))?;
    let address = identifier
        .get("address")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("device identifier without address"))?;
    let config = entry.get("config").cloned().unwrap_or(Value::Null);
    let settings = config.get("user_config").cloned().unwrap_or(Value::Null);
    let str_of = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let bool_of = |v: &Value, k: &str| v.get(k).and_then(Value::as_bool).unwrap_or(false);
    let mut features = Vec::new();
    for f in config
        .get("features")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let mut o = FeatureOverride {
            base_id: str_of(f, "base_id"),
            outputs: BTreeMap::new(),
        };
        for (kind, body) in f
            .get("output")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let kind = OutputType::from_config_name(kind)
                .ok_or_else(|| invalid(format!("unknown output type {kind}")))?;
            let value = body
                .get("value")
                .and_then(Value::as_array)
                .and_then(|a| Some((a.first()?.as_u64()? as u32, a.get(1)?.as_u64()? as u32)));
            o.outputs.insert(
                kind,
                OutputOverride {
                    value,
                    disabled: bool_of(body, "disabled"),
                    reverse: bool_of(body, "reverse"),
                },
            );
        }
        features.push(o);
    }
    Ok(UserDeviceConfig {
        address: address.to_string(),
        protocol: str_of(identifier, "protocol"),
        identifier: str_of(identifier, "identifier"),
        allow: bool_of(&settings, "allow"),
        deny: bool_of(&settings, "deny"),
        index: settings
            .get("index")
            .and_then(Value::as_u64)
            .map(|i| i as u32),
        display_name: str_of(&settings, "display_name"),
        message_gap_ms: settings
            .get("message_gap_ms")
            .and_then(Value::as_u64)
            .map(|g| g as u32),
        features,
    })
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
        assert_eq!(vib.to_hardware(OutputType::Vibrate, 1), 6);
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
