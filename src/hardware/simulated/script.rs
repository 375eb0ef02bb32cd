//! Scripts for simulated toys: rules that make a toy answer conversations the built-in
//! responders do not know (a pairing token of your choice, a firmware answer, a reading
//! after a particular command), for tests and for developers without the toy.
//!
//! A rule says "when the host writes these bytes (or bytes starting with them) to this
//! endpoint, or subscribes to it, then notify these bytes on that endpoint, or queue them
//! for the next read of that endpoint". Rules are checked in order and every matching rule
//! runs. They run before the built-in responder, which a toy can also switch off.

use serde::Deserialize;

use crate::hardware::Endpoint;

/// When a rule fires.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScriptTrigger {
    /// A write to `endpoint` equal to `bytes`, or starting with them when `prefix`.
    Write {
        endpoint: Endpoint,
        bytes: Vec<u8>,
        prefix: bool,
    },
    /// A subscription to `endpoint`.
    Subscribe { endpoint: Endpoint },
}

/// What a rule does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScriptAction {
    /// The toy sends a notification (delivered when the endpoint is subscribed, as on BLE).
    Notify { endpoint: Endpoint, bytes: Vec<u8> },
    /// The next read of `endpoint` returns these bytes.
    QueueRead { endpoint: Endpoint, bytes: Vec<u8> },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptRule {
    pub when: ScriptTrigger,
    pub then: Vec<ScriptAction>,
}

impl ScriptRule {
    /// Whether a write fires this rule.
    pub(super) fn fires_on_write(&self, endpoint: Endpoint, data: &[u8]) -> bool {
        match &self.when {
            ScriptTrigger::Write {
                endpoint: e,
                bytes,
                prefix,
            } => {
                *e == endpoint
                    && if *prefix {
                        data.starts_with(bytes)
                    } else {
                        data == bytes.as_slice()
                    }
            }
            ScriptTrigger::Subscribe { .. } => false,
        }
    }

    pub(super) fn fires_on_subscribe(&self, endpoint: Endpoint) -> bool {
        matches!(&self.when, ScriptTrigger::Subscribe { endpoint: e } if *e == endpoint)
    }
}

/// Bytes in a script file: a list of byte values, or text (written as its UTF-8 bytes).
#[derive(Deserialize)]
#[serde(untagged, expecting = "bytes: a list of numbers 0..255, or a text")]
enum RawBytes {
    List(Vec<u8>),
    Text(String),
}

impl From<RawBytes> for Vec<u8> {
    fn from(b: RawBytes) -> Self {
        match b {
            RawBytes::List(l) => l,
            RawBytes::Text(t) => t.into_bytes(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWrite {
    endpoint: String,
    bytes: RawBytes,
    #[serde(default)]
    prefix: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEndpointBytes {
    endpoint: String,
    bytes: RawBytes,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
enum RawTrigger {
    Write(RawWrite),
    Subscribe { endpoint: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
enum RawAction {
    Notify(RawEndpointBytes),
    QueueRead(RawEndpointBytes),
}

/// A rule as written in a JSON script:
/// `{"when": {"write": {"endpoint": "tx", "bytes": "DeviceType;", "prefix": false}},
///   "then": [{"notify": {"endpoint": "rx", "bytes": "EI:2:0082059AD3BD;"}}]}`;
/// `when` may also be `{"subscribe": {"endpoint": "rx"}}`, an action
/// `{"queue_read": {...}}`; bytes are a text or a list of numbers.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    when: RawTrigger,
    then: Vec<RawAction>,
}

fn endpoint(name: &str) -> Result<Endpoint, String> {
    Endpoint::from_name(name).ok_or_else(|| format!("unknown endpoint {name:?}"))
}

impl RawRule {
    pub fn into_rule(self) -> Result<ScriptRule, String> {
        let when = match self.when {
            RawTrigger::Write(w) => ScriptTrigger::Write {
                endpoint: endpoint(&w.endpoint)?,
                bytes: w.bytes.into(),
                prefix: w.prefix,
            },
            RawTrigger::Subscribe { endpoint: e } => ScriptTrigger::Subscribe {
                endpoint: endpoint(&e)?,
            },
        };
        let then = self
            .then
            .into_iter()
            .map(|a| {
                Ok(match a {
                    RawAction::Notify(n) => ScriptAction::Notify {
                        endpoint: endpoint(&n.endpoint)?,
                        bytes: n.bytes.into(),
                    },
                    RawAction::QueueRead(q) => ScriptAction::QueueRead {
                        endpoint: endpoint(&q.endpoint)?,
                        bytes: q.bytes.into(),
                    },
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(ScriptRule { when, then })
    }
}

/// A simulated toy in a script file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawToy {
    name: String,
    #[serde(default)]
    address: String,
    model: Option<String>,
    firmware: Option<u32>,
    battery: Option<u8>,
    key: Option<RawBytes>,
    serial_port: Option<String>,
    #[serde(default = "yes")]
    builtin_responder: bool,
    #[serde(default)]
    rules: Vec<RawRule>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a toy script: an object with `toys`")]
struct RawScript {
    toys: Vec<RawToy>,
}

/// Reads simulated toys from a JSON script (named `file` in errors):
/// `{"toys": [{"name": "LVS-Flexer", "address": "...", "model": "EI", "firmware": 2,
///   "battery": 50, "key": [1, 2, 3], "builtin_responder": true, "rules": [...]}]}`.
/// Only `name` is required; see [`RawRule`] for rules.
pub fn toys_from_json(
    file: &str,
    text: &str,
) -> Result<Vec<super::SimulatedDeviceSpec>, crate::device::config::ConfigError> {
    let raw: RawScript = crate::device::config::strict_json::parse(
        file,
        "a toy script: an object with `toys`",
        text,
    )?;
    raw.toys
        .into_iter()
        .enumerate()
        .map(|(i, toy)| {
            let script = toy
                .rules
                .into_iter()
                .enumerate()
                .map(|(j, r)| {
                    r.into_rule()
                        .map_err(|message| crate::device::config::ConfigError::Invalid {
                            file: file.to_string(),
                            path: format!("toys[{i}].rules[{j}]"),
                            message,
                        })
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(super::SimulatedDeviceSpec {
                name: toy.name,
                address: toy.address,
                model: toy.model,
                firmware: toy.firmware,
                battery_level: toy.battery,
                key: toy.key.map(Vec::from),
                serial_port: toy.serial_port,
                no_builtin_responder: !toy.builtin_responder,
                script,
                ..Default::default()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_read_from_json() {
        let raw: RawRule = serde_json::from_str(
            r#"{"when": {"write": {"endpoint": "tx", "bytes": "DeviceType;"}},
                "then": [{"notify": {"endpoint": "rx", "bytes": "EI:2:00;"}},
                         {"queue_read": {"endpoint": "rxblebattery", "bytes": [55]}}]}"#,
        )
        .unwrap();
        let rule = raw.into_rule().unwrap();
        assert!(rule.fires_on_write(Endpoint::Tx, b"DeviceType;"));
        assert!(!rule.fires_on_write(Endpoint::Tx, b"DeviceType;X"));
        assert_eq!(
            rule.then,
            vec![
                ScriptAction::Notify {
                    endpoint: Endpoint::Rx,
                    bytes: b"EI:2:00;".to_vec()
                },
                ScriptAction::QueueRead {
                    endpoint: Endpoint::RxBleBattery,
                    bytes: vec![55]
                }
            ]
        );
        let bad: RawRule =
            serde_json::from_str(r#"{"when": {"subscribe": {"endpoint": "nowhere"}}, "then": []}"#)
                .unwrap();
        assert_eq!(bad.into_rule().unwrap_err(), "unknown endpoint \"nowhere\"");
    }

    #[test]
    fn toys_from_a_script_file() {
        let toys = toys_from_json(
            "toys.json",
            r#"{"toys": [{"name": "LVS-Flexer", "model": "EI", "firmware": 2, "key": "secret",
                "builtin_responder": false,
                "rules": [{"when": {"write": {"endpoint": "tx", "bytes": "Battery;"}},
                           "then": [{"notify": {"endpoint": "rx", "bytes": "42;"}}]}]}]}"#,
        )
        .unwrap();
        assert_eq!(toys.len(), 1);
        assert_eq!(toys[0].firmware, Some(2));
        assert_eq!(toys[0].key.as_deref(), Some(&b"secret"[..]));
        assert!(toys[0].no_builtin_responder);
        assert_eq!(toys[0].script.len(), 1);
        let e = toys_from_json(
            "toys.json",
            r#"{"toys": [{"name": "x", "rules": [{"when": {"subscribe": {"endpoint": "nope"}}, "then": []}]}]}"#,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "toys.json: at toys[0].rules[0]: unknown endpoint \"nope\""
        );
        let e = toys_from_json("toys.json", r#"{"toys": [{"nam": "x"}]}"#).unwrap_err();
        assert!(e.to_string().starts_with("toys.json: at toys[0]"), "{e}");
    }
}
