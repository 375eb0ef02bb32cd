//! Device configuration in the ecosystem's JSON format (device-config v4 and v5).
//!
//! A file maps protocol names to how their devices are found (`communication`) and what
//! they can do (`defaults` plus per-model `configurations`). plugwire ships its own
//! definitions for the protocols it implements and can load an ecosystem file on top.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::ConfigError;
use crate::device::feature::{
    DeviceFeature, InputLimits, InputType, OutputLimits, OutputType, json_range,
};

/// How devices of a protocol are found.
#[derive(Clone, Debug, PartialEq)]
pub enum Communication {
    Btle(BtleSpecifier),
    Serial(SerialSpecifier),
    Websocket {
        names: Vec<String>,
    },
    Simulated {
        names: Vec<String>,
    },
    /// A transport plugwire has no manager for (hid, usb, xinput, ...), kept for round-trips.
    Other(String),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct BtleSpecifier {
    /// Advertised names; a trailing `*` makes a prefix match.
    pub names: Vec<String>,
    pub advertised_services: Vec<String>,
    pub manufacturer_data: Vec<ManufacturerData>,
    /// service UUID -> endpoint name -> characteristic UUID (all lower case).
    pub services: BTreeMap<String, BTreeMap<String, String>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ManufacturerData {
    pub company: u16,
    pub data: Option<Vec<u8>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SerialSpecifier {
    pub port: String,
    pub baud_rate: u32,
    pub data_bits: u8,
    pub parity: char,
    pub stop_bits: u8,
}

/// One model (or the protocol's defaults): name, features, timing.
#[derive(Clone, Debug, PartialEq)]
pub struct DeviceDefinition {
    pub id: String,
    pub name: String,
    /// Model identifiers the protocol's identification step reports (e.g. Lovense `"A"`).
    pub identifiers: Vec<String>,
    pub features: Vec<DeviceFeature>,
    pub message_gap_ms: Option<u32>,
    pub protocol_variant: Option<String>,
}

/// Everything a configuration file says about one protocol.
#[derive(Clone, Debug, PartialEq)]
pub struct ProtocolDef {
    pub name: String,
    pub communication: Vec<Communication>,
    pub defaults: Option<DeviceDefinition>,
    pub configurations: Vec<DeviceDefinition>,
}

impl ProtocolDef {
    /// The definition for a model: the configuration whose identifier matches, with missing
    /// parts (features, gap) taken from the defaults; the defaults when nothing matches.
    pub fn definition_for(&self, identifier: Option<&str>) -> Option<DeviceDefinition> {
        let config = identifier.and_then(|id| {
            self.configurations
                .iter()
                .find(|c| c.identifiers.iter().any(|i| i == id))
        });
        match (config, &self.defaults) {
            (Some(c), Some(d)) => {
                let mut merged = c.clone();
                if merged.features.is_empty() {
                    merged.features = d.features.clone();
                }
                if merged.message_gap_ms.is_none() {
                    merged.message_gap_ms = d.message_gap_ms;
                }
                Some(merged)
            }
            (Some(c), None) => Some(c.clone()),
            (None, Some(d)) => Some(d.clone()),
            (None, None) => None,
        }
    }

    pub fn btle(&self) -> impl Iterator<Item = &BtleSpecifier> {
        self.communication.iter().filter_map(|c| match c {
            Communication::Btle(b) => Some(b),
            _ => None,
        })
    }
}

/// A set of protocol definitions.
#[derive(Clone, Debug, Default)]
pub struct DeviceConfigDb {
    pub version: (u32, u32),
    protocols: BTreeMap<String, ProtocolDef>,
}

/// plugwire's own definitions, one JSON file per implemented protocol (see build.rs).
const BUILTIN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin_devices.rs"));

impl DeviceConfigDb {
    /// plugwire's own definitions for the protocols it implements.
    pub fn builtin() -> DeviceConfigDb {
        let mut db = DeviceConfigDb {
            version: (4, 0),
            protocols: BTreeMap::new(),
        };
        for (name, text) in BUILTIN {
            // The files are part of the crate and a test parses each; a broken one is a
            // build defect, logged and skipped rather than taking the server down.
            match DeviceConfigDb::from_json(text) {
                Ok(loaded) => db.protocols.extend(loaded.protocols),
                Err(e) => tracing::error!("built-in definition {name} is invalid: {e}"),
            }
        }
        db
    }

    /// Parses a device configuration file (ecosystem format, major version 4 or 5).
    pub fn from_json(text: &str) -> Result<DeviceConfigDb, ConfigError> {
        let raw: RawFile = serde_json::from_str(text)?;
        let version = raw.version.map(|v| (v.major, v.minor)).unwrap_or((4, 0));
        if !(4..=5).contains(&version.0) {
            return Err(ConfigError::UnsupportedVersion(version.0));
        }
        let mut protocols = BTreeMap::new();
        for (name, raw_protocol) in raw.protocols.unwrap_or_default() {
            let def = parse_protocol(&name, raw_protocol)?;
            protocols.insert(name, def);
        }
        Ok(DeviceConfigDb { version, protocols })
    }

    /// Adds or replaces protocols with those of `other`: a loaded ecosystem file wins over
    /// the built-in definitions for every protocol it names.
    pub fn extend(&mut self, other: DeviceConfigDb) {
        if other.version > self.version {
            self.version = other.version;
        }
        self.protocols.extend(other.protocols);
    }

    pub fn protocol(&self, name: &str) -> Option<&ProtocolDef> {
        self.protocols.get(name)
    }

    pub fn protocol_mut(&mut self, name: &str) -> Option<&mut ProtocolDef> {
        self.protocols.get_mut(name)
    }

    pub fn protocols(&self) -> impl Iterator<Item = &ProtocolDef> {
        self.protocols.values()
    }

    pub fn insert(&mut self, def: ProtocolDef) {
        self.protocols.insert(def.name.clone(), def);
    }

    pub fn len(&self) -> usize {
        self.protocols.len()
    }

    pub fn is_empty(&self) -> bool {
        self.protocols.is_empty()
    }
}

#[derive(Deserialize)]
struct RawVersion {
    major: u32,
    #[serde(default)]
    minor: u32,
}

#[derive(Deserialize)]
struct RawFile {
    version: Option<RawVersion>,
    protocols: Option<BTreeMap<String, RawProtocol>>,
}

#[derive(Deserialize)]
struct RawProtocol {
    #[serde(default)]
    communication: Vec<BTreeMap<String, Value>>,
    defaults: Option<RawDefinition>,
    #[serde(default)]
    configurations: Vec<RawDefinition>,
}

#[derive(Deserialize, Default)]
pub(crate) struct RawDefinition {
    #[serde(default)]
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    identifier: Vec<String>,
    #[serde(default)]
    features: Vec<RawFeature>,
    message_gap_ms: Option<u32>,
    protocol_variant: Option<String>,
}

#[derive(Deserialize, Default)]
pub(crate) struct RawFeature {
    #[serde(default)]
    id: String,
    index: Option<u32>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    output: BTreeMap<String, Value>,
    #[serde(default)]
    input: BTreeMap<String, Value>,
}

fn parse_protocol(name: &str, raw: RawProtocol) -> Result<ProtocolDef, ConfigError> {
    let mut communication = Vec::new();
    for entry in raw.communication {
        for (kind, value) in entry {
            communication.push(parse_communication(name, &kind, value)?);
        }
    }
    let defaults = raw
        .defaults
        .map(|d| parse_definition(name, d))
        .transpose()?;
    let configurations = raw
        .configurations
        .into_iter()
        .map(|c| parse_definition(name, c))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ProtocolDef {
        name: name.to_string(),
        communication,
        defaults,
        configurations,
    })
}

fn bad(protocol: &str, what: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        protocol: protocol.to_string(),
        what: what.into(),
    }
}

pub(crate) fn parse_communication(
    protocol: &str,
    kind: &str,
    value: Value,
) -> Result<Communication, ConfigError> {
    let names = |v: &Value| -> Vec<String> {
        v.get("names")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    Ok(match kind {
        "btle" => {
            let mut spec = BtleSpecifier {
                names: names(&value),
                ..Default::default()
            };
            if let Some(services) = value.get("advertised_services").and_then(Value::as_array) {
                spec.advertised_services = services
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_ascii_lowercase)
                    .collect();
            }
            if let Some(md) = value.get("manufacturer_data").and_then(Value::as_array) {
                for m in md {
                    let company = m
                        .get("company")
                        .and_then(Value::as_u64)
                        .and_then(|c| u16::try_from(c).ok())
                        .ok_or_else(|| bad(protocol, "manufacturer_data without company"))?;
                    let data = m.get("data").and_then(Value::as_array).map(|d| {
                        d.iter()
                            .filter_map(Value::as_u64)
                            .map(|b| b as u8)
                            .collect()
                    });
                    spec.manufacturer_data
                        .push(ManufacturerData { company, data });
                }
            }
            if let Some(services) = value.get("services").and_then(Value::as_object) {
                for (service, chars) in services {
                    let mut map = BTreeMap::new();
                    if let Some(chars) = chars.as_object() {
                        for (endpoint, uuid) in chars {
                            let uuid = uuid
                                .as_str()
                                .ok_or_else(|| bad(protocol, "characteristic is not a string"))?;
                            map.insert(endpoint.to_ascii_lowercase(), uuid.to_ascii_lowercase());
                        }
                    }
                    spec.services.insert(service.to_ascii_lowercase(), map);
                }
            }
            Communication::Btle(spec)
        }
        "serial" => {
            let get_u =
                |k: &str, default: u64| value.get(k).and_then(Value::as_u64).unwrap_or(default);
            Communication::Serial(SerialSpecifier {
                port: value
                    .get("port")
                    .and_then(Value::as_str)
                    .unwrap_or("default")
                    .to_string(),
                baud_rate: get_u("baud_rate", 115200) as u32,
                data_bits: get_u("data_bits", 8) as u8,
                parity: value
                    .get("parity")
                    .and_then(Value::as_str)
                    .and_then(|p| p.chars().next())
                    .unwrap_or('N'),
                stop_bits: get_u("stop_bits", 1) as u8,
            })
        }
        "websocket" => {
            // Both `{"name": "x"}` and `{"names": [...]}` occur in user configs.
            let mut n = names(&value);
            if let Some(single) = value.get("name").and_then(Value::as_str) {
                n.push(single.to_string());
            }
            Communication::Websocket { names: n }
        }
        "simulated" => Communication::Simulated {
            names: names(&value),
        },
        other => Communication::Other(other.to_string()),
    })
}

fn parse_definition(protocol: &str, raw: RawDefinition) -> Result<DeviceDefinition, ConfigError> {
    let mut features = Vec::with_capacity(raw.features.len());
    for (position, f) in raw.features.into_iter().enumerate() {
        features.push(parse_feature(protocol, position as u32, f)?);
    }
    features.sort_by_key(|f| f.index);
    Ok(DeviceDefinition {
        id: raw.id,
        name: raw.name,
        identifiers: raw.identifier,
        features,
        message_gap_ms: raw.message_gap_ms,
        protocol_variant: raw.protocol_variant,
    })
}

pub(crate) fn parse_feature(
    protocol: &str,
    position: u32,
    raw: RawFeature,
) -> Result<DeviceFeature, ConfigError> {
    let mut outputs = BTreeMap::new();
    for (kind, spec) in raw.output {
        let Some(output_type) = OutputType::from_config_name(&kind) else {
            tracing::debug!("{protocol}: ignoring unknown output kind {kind}");
            continue;
        };
        let value = spec
            .get("value")
            .and_then(json_range)
            .ok_or_else(|| bad(protocol, format!("output {kind} has no [min, max] value")))?;
        let duration = spec
            .get("duration")
            .and_then(json_range)
            .map(|(a, b)| (a.max(0) as u32, b.max(0) as u32));
        outputs.insert(
            output_type,
            OutputLimits {
                value,
                duration,
                ..OutputLimits::new(0, 0)
            },
        );
    }
    let mut inputs = BTreeMap::new();
    for (kind, spec) in raw.input {
        let Some(input_type) = InputType::from_name(&kind) else {
            tracing::debug!("{protocol}: ignoring unknown input kind {kind}");
            continue;
        };
        inputs.insert(
            input_type,
            InputLimits::from_json(&spec, "value", "command"),
        );
    }
    Ok(DeviceFeature {
        index: raw.index.unwrap_or(position),
        id: raw.id,
        description: raw.description,
        outputs,
        inputs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::feature::InputCommand;

    const SAMPLE: &str = r#"{
      "version": {"major": 4, "minor": 1},
      "protocols": {
        "demo": {
          "communication": [{"btle": {"names": ["Demo*"], "services": {
             "0000FFF0-0000-1000-8000-00805f9b34fb": {"tx": "0000fff2-0000-1000-8000-00805f9b34fb"}}}}],
          "defaults": {"id": "d", "name": "Demo Device", "features": [
             {"index": 0, "output": {"vibrate": {"value": [0, 20]}}},
             {"index": 1, "input": {"battery": {"value": [[0, 100]], "command": ["Read"]}}}]},
          "configurations": [
             {"id": "c", "name": "Demo Rotator", "identifier": ["R"], "features": [
               {"index": 0, "output": {"rotate": {"value": [-20, 20]}}}]},
             {"id": "e", "name": "Demo Plain", "identifier": ["P"]}]
        }
      }
    }"#;

    #[test]
    fn parses_and_merges_definitions() {
        let db = DeviceConfigDb::from_json(SAMPLE).unwrap();
        let p = db.protocol("demo").unwrap();
        let Communication::Btle(b) = &p.communication[0] else {
            panic!("not btle")
        };
        assert_eq!(b.names, vec!["Demo*"]);
        assert!(
            b.services
                .contains_key("0000fff0-0000-1000-8000-00805f9b34fb")
        );
        let rot = p.definition_for(Some("R")).unwrap();
        assert_eq!(rot.name, "Demo Rotator");
        assert_eq!(
            rot.features[0].outputs[&OutputType::Rotate].value,
            (-20, 20)
        );
        let plain = p.definition_for(Some("P")).unwrap();
        assert_eq!(plain.name, "Demo Plain");
        assert_eq!(plain.features.len(), 2, "features inherited from defaults");
        assert_eq!(p.definition_for(Some("?")).unwrap().name, "Demo Device");
        assert!(plain.features[1].inputs[&InputType::Battery].accepts(InputCommand::Read));
    }

    #[test]
    fn rejects_unknown_major_version() {
        let err = DeviceConfigDb::from_json(r#"{"version":{"major":9,"minor":0},"protocols":{}}"#)
            .unwrap_err();
        assert!(matches!(err, ConfigError::UnsupportedVersion(9)));
    }

    #[test]
    fn builtin_definitions_parse() {
        for (name, text) in BUILTIN {
            let db = DeviceConfigDb::from_json(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(db.protocol(name).is_some(), "{name}.json defines {name}");
        }
        assert!(DeviceConfigDb::builtin().protocol("lovense").is_some());
    }
}
