//! Device configuration in the ecosystem's JSON format (device-config v4 and v5).
//!
//! A file maps protocol names to how their devices are found (`communication`) and what
//! they can do (`defaults` plus per-model `configurations`). plugwire ships its own
//! definitions for the protocols it implements and can load an ecosystem file on top.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use serde::Deserialize;

use super::ConfigError;
use super::strict_json::{
    self, BaudRate, Byte, CompanyId, DataBits, DurationRange, FeatureIndex, Millis, Parity,
    StepRange, StopBits,
};
use crate::device::feature::{
    DeviceFeature, InputCommand, InputLimits, InputType, OutputLimits, OutputType,
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
///
/// Cloning is cheap (a reference count): every server and every embedded client starts from
/// the built-in set, and most never change it. Changes (a user configuration, a loaded
/// file) copy the map of shared definitions, then only the definition they change.
#[derive(Clone, Debug, Default)]
pub struct DeviceConfigDb {
    pub version: (u32, u32),
    protocols: Arc<BTreeMap<String, Arc<ProtocolDef>>>,
}

/// plugwire's own definitions, one JSON file per implemented protocol (see build.rs).
const BUILTIN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin_devices.rs"));

impl DeviceConfigDb {
    /// plugwire's own definitions for the protocols it implements. They are parsed once
    /// per process (every server builder starts from them, and parsing all of them costs
    /// far more than a copy); later calls share the parsed set.
    pub fn builtin() -> DeviceConfigDb {
        static PARSED: OnceLock<DeviceConfigDb> = OnceLock::new();
        PARSED.get_or_init(DeviceConfigDb::parse_builtin).clone()
    }

    fn parse_builtin() -> DeviceConfigDb {
        let mut db = DeviceConfigDb {
            version: (4, 0),
            protocols: Arc::default(),
        };
        for (name, text) in BUILTIN {
            // The files are part of the crate and a test parses each; a broken one is a
            // build defect, logged and skipped rather than taking the server down.
            match DeviceConfigDb::from_json(text) {
                Ok(loaded) => db.protocols_mut().extend(shared_defs(loaded.protocols)),
                Err(e) => tracing::error!("built-in definition {name} is invalid: {e}"),
            }
        }
        db
    }

    /// Parses a device configuration (ecosystem format, major version 4 or 5). Errors call
    /// it "device configuration"; see [`DeviceConfigDb::from_named_json`].
    pub fn from_json(text: &str) -> Result<DeviceConfigDb, ConfigError> {
        DeviceConfigDb::from_named_json(super::DEVICE_CONFIG, text)
    }

    /// Parses a device configuration; errors name it `file`, the JSON path at fault and
    /// what was expected there.
    pub fn from_named_json(file: &str, text: &str) -> Result<DeviceConfigDb, ConfigError> {
        let raw: RawFile = strict_json::parse(
            file,
            "a device configuration: an object with `version` and `protocols`",
            text,
        )?;
        let version = raw.version.check(file)?;
        let protocols = raw
            .protocols
            .into_iter()
            .map(|(name, p)| {
                let def = Arc::new(p.into_def(&name));
                (name, def)
            })
            .collect();
        Ok(DeviceConfigDb {
            version,
            protocols: Arc::new(protocols),
        })
    }

    /// Adds or replaces protocols with those of `other`: a loaded ecosystem file wins over
    /// the built-in definitions for every protocol it names.
    pub fn extend(&mut self, other: DeviceConfigDb) {
        if other.version > self.version {
            self.version = other.version;
        }
        self.protocols_mut().extend(shared_defs(other.protocols));
    }

    pub fn protocol(&self, name: &str) -> Option<&ProtocolDef> {
        self.protocols.get(name).map(|def| &**def)
    }

    /// The named definition, copied first if another set shares it.
    pub fn protocol_mut(&mut self, name: &str) -> Option<&mut ProtocolDef> {
        self.protocols_mut().get_mut(name).map(Arc::make_mut)
    }

    pub fn protocols(&self) -> impl Iterator<Item = &ProtocolDef> {
        self.protocols.values().map(|def| &**def)
    }

    pub fn insert(&mut self, def: ProtocolDef) {
        self.protocols_mut().insert(def.name.clone(), Arc::new(def));
    }

    /// The map, copied first (its definitions stay shared) if another set shares it.
    fn protocols_mut(&mut self) -> &mut BTreeMap<String, Arc<ProtocolDef>> {
        Arc::make_mut(&mut self.protocols)
    }

    pub fn len(&self) -> usize {
        self.protocols.len()
    }

    pub fn is_empty(&self) -> bool {
        self.protocols.is_empty()
    }
}

/// Takes the definitions out of a set being merged into another; the map is copied only
/// when something else still shares it, and the definitions never are.
fn shared_defs(
    protocols: Arc<BTreeMap<String, Arc<ProtocolDef>>>,
) -> impl Iterator<Item = (String, Arc<ProtocolDef>)> {
    Arc::unwrap_or_clone(protocols).into_iter()
}

#[derive(Deserialize)]
#[serde(expecting = "a version: an object with `major` and `minor` numbers")]
pub(crate) struct RawVersion {
    major: u32,
    #[serde(default)]
    minor: u32,
}

impl RawVersion {
    /// Checks the major version is one plugwire reads (4 or 5).
    pub(crate) fn check(&self, file: &str) -> Result<(u32, u32), ConfigError> {
        if !(4..=5).contains(&self.major) {
            return Err(ConfigError::Invalid {
                file: file.to_string(),
                path: "version.major".into(),
                message: format!(
                    "major version {} is not supported (4 and 5 are)",
                    self.major
                ),
            });
        }
        Ok((self.major, self.minor))
    }
}

#[derive(Deserialize)]
#[serde(expecting = "a device configuration: an object with `version` and `protocols`")]
struct RawFile {
    version: RawVersion,
    protocols: BTreeMap<String, RawProtocol>,
}

#[derive(Deserialize)]
#[serde(expecting = "a protocol: an object with `communication`, `defaults` and `configurations`")]
pub(crate) struct RawProtocol {
    #[serde(default)]
    communication: Vec<RawCommunication>,
    defaults: Option<RawDefinition>,
    #[serde(default)]
    configurations: Vec<RawDefinition>,
}

impl RawProtocol {
    /// A user config's protocol additions ignore `defaults`.
    pub(crate) fn without_defaults(mut self) -> Self {
        self.defaults = None;
        self
    }

    pub(crate) fn into_def(self, name: &str) -> ProtocolDef {
        let communication = self.communication.into_iter().flat_map(|c| c.0).collect();
        ProtocolDef {
            name: name.to_string(),
            communication,
            defaults: self.defaults.map(RawDefinition::into_definition),
            configurations: self
                .configurations
                .into_iter()
                .map(RawDefinition::into_definition)
                .collect(),
        }
    }
}

/// One entry of `communication`: `{"btle": {...}}`, `{"serial": {...}}`, ... Kinds plugwire
/// has no manager for (hid, usb, xinput, sdl-gamepad, ...) are kept by name only.
struct RawCommunication(Vec<Communication>);

impl<'de> Deserialize<'de> for RawCommunication {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawCommunication;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a communication entry: an object such as {\"btle\": {...}}")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawCommunication, A::Error> {
                let mut out = Vec::new();
                while let Some(kind) = map.next_key::<String>()? {
                    out.push(match kind.as_str() {
                        "btle" => Communication::Btle(map.next_value::<RawBtle>()?.into()),
                        "serial" => Communication::Serial(map.next_value::<RawSerial>()?.into()),
                        "websocket" => {
                            let w: RawWebsocket = map.next_value()?;
                            let mut names = w.names;
                            names.extend(w.name);
                            Communication::Websocket { names }
                        }
                        "simulated" => Communication::Simulated {
                            names: map.next_value::<RawNames>()?.names,
                        },
                        _ => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                            Communication::Other(kind)
                        }
                    });
                }
                Ok(RawCommunication(out))
            }
        }
        d.deserialize_map(V)
    }
}

#[derive(Deserialize)]
#[serde(expecting = "a Bluetooth LE specifier: an object with `names` and `services`")]
struct RawBtle {
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    advertised_services: Vec<String>,
    #[serde(default)]
    manufacturer_data: Vec<RawManufacturerData>,
    #[serde(default)]
    services: BTreeMap<String, BTreeMap<String, String>>,
}

impl From<RawBtle> for BtleSpecifier {
    fn from(raw: RawBtle) -> Self {
        BtleSpecifier {
            names: raw.names,
            advertised_services: raw
                .advertised_services
                .iter()
                .map(|s| s.to_ascii_lowercase())
                .collect(),
            manufacturer_data: raw
                .manufacturer_data
                .into_iter()
                .map(|m| ManufacturerData {
                    company: m.company.0,
                    data: m.data.map(|d| d.into_iter().map(|b| b.0).collect()),
                })
                .collect(),
            services: raw
                .services
                .into_iter()
                .map(|(service, chars)| {
                    let chars = chars
                        .into_iter()
                        .map(|(e, u)| (e.to_ascii_lowercase(), u.to_ascii_lowercase()))
                        .collect();
                    (service.to_ascii_lowercase(), chars)
                })
                .collect(),
        }
    }
}

#[derive(Deserialize)]
#[serde(expecting = "manufacturer data: an object with `company` and optionally `data`")]
struct RawManufacturerData {
    company: CompanyId,
    data: Option<Vec<Byte>>,
}

#[derive(Deserialize)]
#[serde(
    expecting = "a serial port specifier: an object with `port`, `baud_rate`, `data_bits`, `parity` and `stop_bits`"
)]
struct RawSerial {
    #[serde(default = "default_port")]
    port: String,
    #[serde(default = "default_baud")]
    baud_rate: BaudRate,
    #[serde(default = "default_data_bits")]
    data_bits: DataBits,
    #[serde(default = "default_parity")]
    parity: Parity,
    #[serde(default = "default_stop_bits")]
    stop_bits: StopBits,
}

fn default_port() -> String {
    "default".into()
}
fn default_baud() -> BaudRate {
    BaudRate(115_200)
}
fn default_data_bits() -> DataBits {
    DataBits(8)
}
fn default_parity() -> Parity {
    Parity('N')
}
fn default_stop_bits() -> StopBits {
    StopBits(1)
}

impl From<RawSerial> for SerialSpecifier {
    fn from(raw: RawSerial) -> Self {
        SerialSpecifier {
            port: raw.port,
            baud_rate: raw.baud_rate.0,
            data_bits: raw.data_bits.0,
            parity: raw.parity.0,
            stop_bits: raw.stop_bits.0,
        }
    }
}

/// Both `{"name": "x"}` and `{"names": [...]}` occur in user configs.
#[derive(Deserialize)]
#[serde(expecting = "a websocket specifier: an object with `name` or `names`")]
struct RawWebsocket {
    #[serde(default)]
    names: Vec<String>,
    name: Option<String>,
}

#[derive(Deserialize)]
#[serde(expecting = "an object with `names`")]
struct RawNames {
    #[serde(default)]
    names: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(expecting = "a device definition: an object with `id`, `name` and `features`")]
pub(crate) struct RawDefinition {
    #[serde(default)]
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    identifier: Vec<String>,
    #[serde(default)]
    features: Vec<RawFeature>,
    message_gap_ms: Option<Millis>,
    protocol_variant: Option<String>,
}

impl RawDefinition {
    fn into_definition(self) -> DeviceDefinition {
        let mut features: Vec<DeviceFeature> = self
            .features
            .into_iter()
            .zip(0u32..)
            .map(|(f, position)| f.into_feature(position))
            .collect();
        features.sort_by_key(|f| f.index);
        DeviceDefinition {
            id: self.id,
            name: self.name,
            identifiers: self.identifier,
            features,
            message_gap_ms: self.message_gap_ms.map(|m| m.0),
            protocol_variant: self.protocol_variant,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(expecting = "a feature: an object with `index` and `output` or `input`")]
pub(crate) struct RawFeature {
    #[serde(default)]
    id: String,
    index: Option<FeatureIndex>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    output: RawOutputs,
    #[serde(default)]
    input: RawInputs,
}

impl RawFeature {
    fn into_feature(self, position: u32) -> DeviceFeature {
        DeviceFeature {
            index: self.index.map_or(position, |i| i.0),
            id: self.id,
            description: self.description,
            outputs: self.output.0,
            inputs: self.input.0,
        }
    }
}

/// `output`: kind -> `{value: [min, max], duration?: [min, max]}`. Kinds plugwire does not
/// know are skipped (a newer file may add some); the values of known ones are checked.
#[derive(Default)]
struct RawOutputs(BTreeMap<OutputType, OutputLimits>);

#[derive(Deserialize)]
#[serde(expecting = "an output: an object with `value` ([min, max] steps)")]
struct RawOutput {
    value: StepRange,
    duration: Option<DurationRange>,
}

impl<'de> Deserialize<'de> for RawOutputs {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawOutputs;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("outputs: an object such as {\"vibrate\": {\"value\": [0, 20]}}")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawOutputs, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(kind) = map.next_key::<String>()? {
                    let Some(output_type) = OutputType::from_config_name(&kind) else {
                        tracing::debug!("ignoring unknown output kind {kind}");
                        map.next_value::<serde::de::IgnoredAny>()?;
                        continue;
                    };
                    let raw: RawOutput = map.next_value()?;
                    out.insert(
                        output_type,
                        OutputLimits {
                            duration: raw.duration.map(|d| (d.0, d.1)),
                            ..OutputLimits::new(raw.value.0, raw.value.1)
                        },
                    );
                }
                Ok(RawOutputs(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// `input`: kind -> `{value: [[min, max], ...], command: ["Read", ...]}`.
#[derive(Default)]
struct RawInputs(BTreeMap<InputType, InputLimits>);

#[derive(Deserialize)]
#[serde(expecting = "an input: an object with `value` ([[min, max], ...]) and `command`")]
struct RawInput {
    #[serde(default)]
    value: Vec<StepRange>,
    #[serde(default)]
    command: Vec<String>,
}

impl<'de> Deserialize<'de> for RawInputs {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawInputs;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "inputs: an object such as {\"battery\": {\"value\": [[0, 100]], \"command\": [\"Read\"]}}",
                )
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawInputs, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(kind) = map.next_key::<String>()? {
                    let Some(input_type) = InputType::from_name(&kind) else {
                        tracing::debug!("ignoring unknown input kind {kind}");
                        map.next_value::<serde::de::IgnoredAny>()?;
                        continue;
                    };
                    let raw: RawInput = map.next_value()?;
                    let commands = raw
                        .command
                        .iter()
                        .filter_map(|c| {
                            let known = InputCommand::from_name(c);
                            if known.is_none() {
                                tracing::debug!("ignoring unknown input command {c}");
                            }
                            known
                        })
                        .collect();
                    out.insert(
                        input_type,
                        InputLimits {
                            value: raw.value.iter().map(|r| (r.0, r.1)).collect(),
                            commands,
                        },
                    );
                }
                Ok(RawInputs(out))
            }
        }
        d.deserialize_map(V)
    }
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
        assert_eq!(
            err.to_string(),
            "device configuration: at version.major: major version 9 is not supported (4 and 5 are)"
        );
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
