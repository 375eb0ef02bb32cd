//! The output map file (`--output-map`): plugwire's own JSON, separate from the user device
//! configuration so that a user config Intiface Engine reads still loads there.
//!
//! ```json
//! {
//!   "version": 1,
//!   "devices": [
//!     { "match": { "name": "Simulated Stroker" },
//!       "hide_original": false,
//!       "present": [
//!         { "output": "vibrate", "steps": 20,
//!           "to": [ { "output": "hw_position_with_duration", "stroke_ms": [1000, 200] } ] } ] }
//!   ],
//!   "groups": [
//!     { "name": "Sync all", "index": 100, "outputs": ["vibrate"],
//!       "members": [ { "protocol": "simulated" } ] }
//!   ]
//! }
//! ```
//! Every error names the file, the JSON path at fault and what was expected there.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, Unexpected, Visitor};

use crate::device::config::ConfigError;
use crate::device::config::strict_json::{self, DeviceIndex, FeatureIndex};
use crate::device::feature::OutputType;

/// What an output map is called in errors when it came from no file.
pub const OUTPUT_MAP: &str = "output map";

/// Output kinds a mapping can present to clients: the ones apps send.
pub const PRESENTABLE: [OutputType; 6] = [
    OutputType::Vibrate,
    OutputType::Oscillate,
    OutputType::Constrict,
    OutputType::Rotate,
    OutputType::Position,
    OutputType::HwPositionWithDuration,
];

/// Which devices a rule (or a group membership) applies to: every field given must match.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a device match: an object with `address`, `name` and/or `protocol`"
)]
pub struct DeviceMatch {
    pub address: Option<String>,
    /// The model name (`Lovense Hush`) or the user's display name.
    pub name: Option<String>,
    pub protocol: Option<String>,
}

impl DeviceMatch {
    pub fn matches(
        &self,
        address: &str,
        name: &str,
        display: Option<&str>,
        protocol: &str,
    ) -> bool {
        self.address.as_deref().is_none_or(|a| a == address)
            && self
                .name
                .as_deref()
                .is_none_or(|n| n == name || Some(n) == display)
            && self.protocol.as_deref().is_none_or(|p| p == protocol)
    }

    fn is_empty(&self) -> bool {
        self.address.is_none() && self.name.is_none() && self.protocol.is_none()
    }
}

/// How an intensity is shaped before it reaches the range: `linear`, or `{"gamma": g}`
/// (`x^g`: above 1 gives finer control at the low end).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Curve {
    Linear,
    Gamma(f64),
}

impl Curve {
    pub fn apply(self, x: f64) -> f64 {
        match self {
            Curve::Linear => x,
            Curve::Gamma(g) => x.powf(g),
        }
    }
}

impl<'de> Deserialize<'de> for Curve {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Curve;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a curve: \"linear\" or {\"gamma\": a number above 0}")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Curve, E> {
                match v {
                    "linear" => Ok(Curve::Linear),
                    _ => Err(E::invalid_value(Unexpected::Str(v), &self)),
                }
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Curve, A::Error> {
                let mut gamma = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key != "gamma" {
                        return Err(de::Error::unknown_field(&key, &["gamma"]));
                    }
                    let g: f64 = map.next_value()?;
                    if !(g.is_finite() && g > 0.0) {
                        return Err(de::Error::invalid_value(Unexpected::Float(g), &self));
                    }
                    gamma = Some(g);
                }
                gamma
                    .map(Curve::Gamma)
                    .ok_or_else(|| de::Error::missing_field("gamma"))
            }
        }
        d.deserialize_any(V)
    }
}

/// An output kind by its configuration name (`hw_position_with_duration`).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Kind(OutputType);

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Kind;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let names: Vec<_> = OutputType::ALL.iter().map(|t| t.config_name()).collect();
                write!(f, "an output kind, one of {}", names.join(", "))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Kind, E> {
                OutputType::from_config_name(v)
                    .map(Kind)
                    .ok_or_else(|| E::invalid_value(Unexpected::Str(v), &self))
            }
        }
        d.deserialize_any(V)
    }
}

/// `[low, high]`: two fractions of a range, `0 <= low < high <= 1`.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Fractions(f64, f64);

impl<'de> Deserialize<'de> for Fractions {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v: Vec<f64> = Deserialize::deserialize(d)?;
        match v.as_slice() {
            [lo, hi] if (0.0..=1.0).contains(lo) && (0.0..=1.0).contains(hi) && lo < hi => {
                Ok(Fractions(*lo, *hi))
            }
            _ => Err(de::Error::custom(format!(
                "expected [low, high], two fractions with 0 <= low < high <= 1, found {v:?}"
            ))),
        }
    }
}

/// `[slowest, fastest]` stroke durations in milliseconds, slowest above fastest, fastest
/// at least 20.
#[derive(Clone, Copy, Debug, PartialEq)]
struct StrokeMs(u32, u32);

impl<'de> Deserialize<'de> for StrokeMs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v: Vec<u32> = Deserialize::deserialize(d)?;
        match v.as_slice() {
            [slow, fast] if slow >= fast && *fast >= 20 => Ok(StrokeMs(*slow, *fast)),
            _ => Err(de::Error::custom(format!(
                "expected [slowest, fastest] stroke durations in milliseconds, slowest >= fastest >= 20, found {v:?}"
            ))),
        }
    }
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a target: an object with `output` and optionally `feature`, `range`, `curve`, `invert`, `clockwise`, `stroke_ms`, `full_speed`"
)]
struct RawTarget {
    feature: Option<FeatureIndex>,
    output: Kind,
    range: Option<Fractions>,
    curve: Option<Curve>,
    #[serde(default)]
    invert: bool,
    clockwise: Option<bool>,
    stroke_ms: Option<StrokeMs>,
    full_speed: Option<f64>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a presented output: an object with `output`, `to` and optionally `steps`, `description`"
)]
struct RawPresent {
    output: Kind,
    steps: Option<u32>,
    description: Option<String>,
    to: Vec<RawTarget>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a device rule: an object with `match`, `present` and optionally `hide_original`"
)]
struct RawRule {
    #[serde(rename = "match")]
    matcher: DeviceMatch,
    #[serde(default)]
    hide_original: bool,
    present: Vec<RawPresent>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a group: an object with `name`, `outputs`, `members` and optionally `index`"
)]
struct RawGroup {
    name: String,
    index: Option<DeviceIndex>,
    outputs: Vec<Kind>,
    members: Vec<DeviceMatch>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "an output map: an object with `version`, `devices` and/or `groups`"
)]
struct RawMap {
    version: u32,
    #[serde(default)]
    devices: Vec<RawRule>,
    #[serde(default)]
    groups: Vec<RawGroup>,
}

/// What one mapped output does to one real output.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// The real feature; `None`: the first feature with `output`.
    pub feature: Option<u32>,
    pub output: OutputType,
    /// Fractions of the real output's range a non-zero value spans (default `[0, 1]`).
    pub range: (f64, f64),
    pub curve: Curve,
    /// Positions are mirrored (`1 - p`), rotation turns the other way, strokes start at the top.
    pub invert: bool,
    /// Rotation direction for a signed rotate output (default clockwise, positive).
    pub clockwise: bool,
    /// Intensity → strokes: stroke duration at the lowest and at full intensity.
    pub stroke_ms: (u32, u32),
    /// Stroke speed → intensity: the speed (fractions of the range per second) felt as
    /// full intensity.
    pub full_speed: f64,
    /// Where in the file this target is, for messages at connection time.
    pub path: String,
}

/// Default stroke durations for intensity → strokes: a 1 s stroke at the lowest
/// intensity, 200 ms at full.
pub const DEFAULT_STROKE_MS: (u32, u32) = (1000, 200);
/// Default full-intensity stroke speed: the whole range in 250 ms.
pub const DEFAULT_FULL_SPEED: f64 = 4.0;

/// One output a mapped device shows clients.
#[derive(Clone, Debug, PartialEq)]
pub struct Presented {
    pub output: OutputType,
    pub steps: u32,
    pub description: String,
    pub to: Vec<Target>,
}

/// A rule for the devices it matches.
#[derive(Clone, Debug, PartialEq)]
pub struct DeviceRule {
    pub matcher: DeviceMatch,
    pub hide_original: bool,
    pub present: Vec<Presented>,
    pub path: String,
}

/// A virtual device fanning out to its members.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupConfig {
    pub name: String,
    pub index: u32,
    pub outputs: Vec<OutputType>,
    pub members: Vec<DeviceMatch>,
}

/// A parsed output map.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OutputMap {
    /// The file it came from (for messages at connection time).
    pub file: String,
    pub devices: Vec<DeviceRule>,
    pub groups: Vec<GroupConfig>,
}

/// Groups without an index get one from here on, in file order.
pub const FIRST_GROUP_INDEX: u32 = 1000;

fn invalid(file: &str, path: String, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        file: file.to_string(),
        path,
        message: message.into(),
    }
}

impl OutputMap {
    /// Parses an output map; errors call it "output map".
    pub fn from_json(text: &str) -> Result<OutputMap, ConfigError> {
        OutputMap::from_named_json(OUTPUT_MAP, text)
    }

    /// Parses an output map; errors name `file`, the JSON path at fault and what was
    /// expected there.
    pub fn from_named_json(file: &str, text: &str) -> Result<OutputMap, ConfigError> {
        let raw: RawMap = strict_json::parse(
            file,
            "an output map: an object with `version`, `devices` and/or `groups`",
            text,
        )?;
        if raw.version != 1 {
            return Err(invalid(
                file,
                "version".into(),
                format!("version {} is not supported (1 is)", raw.version),
            ));
        }
        let mut map = OutputMap {
            file: file.to_string(),
            ..Default::default()
        };
        for (i, rule) in raw.devices.into_iter().enumerate() {
            let path = format!("devices[{i}]");
            if rule.matcher.is_empty() {
                return Err(invalid(
                    file,
                    format!("{path}.match"),
                    "expected at least one of `address`, `name`, `protocol`",
                ));
            }
            if rule.present.is_empty() {
                return Err(invalid(
                    file,
                    format!("{path}.present"),
                    "expected at least one presented output",
                ));
            }
            let mut present = Vec::new();
            for (j, p) in rule.present.into_iter().enumerate() {
                present.push(presented(file, &format!("{path}.present[{j}]"), p)?);
            }
            map.devices.push(DeviceRule {
                matcher: rule.matcher,
                hide_original: rule.hide_original,
                present,
                path,
            });
        }
        let mut next_index = FIRST_GROUP_INDEX;
        let mut used = std::collections::HashSet::new();
        for (i, g) in raw.groups.into_iter().enumerate() {
            let path = format!("groups[{i}]");
            let index = match g.index {
                Some(DeviceIndex(n)) => n,
                None => {
                    while used.contains(&next_index) {
                        next_index += 1;
                    }
                    next_index
                }
            };
            if !used.insert(index) {
                return Err(invalid(
                    file,
                    format!("{path}.index"),
                    format!("index {index} is already another group's"),
                ));
            }
            if g.outputs.is_empty() {
                return Err(invalid(
                    file,
                    format!("{path}.outputs"),
                    "expected at least one output kind",
                ));
            }
            for (j, k) in g.outputs.iter().enumerate() {
                if !PRESENTABLE.contains(&k.0) {
                    return Err(not_presentable(file, format!("{path}.outputs[{j}]"), k.0));
                }
            }
            for (j, m) in g.members.iter().enumerate() {
                if m.is_empty() {
                    return Err(invalid(
                        file,
                        format!("{path}.members[{j}]"),
                        "expected at least one of `address`, `name`, `protocol`",
                    ));
                }
            }
            map.groups.push(GroupConfig {
                name: g.name,
                index,
                outputs: g.outputs.into_iter().map(|k| k.0).collect(),
                members: g.members,
            });
        }
        Ok(map)
    }

    pub fn is_empty(&self) -> bool {
        self.devices.is_empty() && self.groups.is_empty()
    }
}

fn not_presentable(file: &str, path: String, kind: OutputType) -> ConfigError {
    let names: Vec<_> = PRESENTABLE.iter().map(|t| t.config_name()).collect();
    invalid(
        file,
        path,
        format!(
            "{} cannot be presented; expected one of {}",
            kind.config_name(),
            names.join(", ")
        ),
    )
}

fn presented(file: &str, path: &str, p: RawPresent) -> Result<Presented, ConfigError> {
    let output = p.output.0;
    if !PRESENTABLE.contains(&output) {
        return Err(not_presentable(file, format!("{path}.output"), output));
    }
    let positional = is_positional(output);
    let steps = p.steps.unwrap_or(if positional { 100 } else { 20 });
    if steps == 0 || steps > i32::MAX as u32 {
        return Err(invalid(
            file,
            format!("{path}.steps"),
            format!("expected a number of steps from 1 to {}", i32::MAX),
        ));
    }
    if p.to.is_empty() {
        return Err(invalid(
            file,
            format!("{path}.to"),
            "expected at least one target output",
        ));
    }
    let mut to = Vec::new();
    for (k, t) in p.to.into_iter().enumerate() {
        let tpath = format!("{path}.to[{k}]");
        let kind = t.output.0;
        let target_positional = is_positional(kind);
        if t.invert && !(target_positional || kind == OutputType::Rotate) {
            return Err(invalid(
                file,
                format!("{tpath}.invert"),
                format!(
                    "invert applies to position, hw_position_with_duration and rotate targets, not {}",
                    kind.config_name()
                ),
            ));
        }
        if t.clockwise.is_some() && kind != OutputType::Rotate {
            return Err(invalid(
                file,
                format!("{tpath}.clockwise"),
                "clockwise applies to rotate targets only",
            ));
        }
        // Intensity → strokes, and position → intensity (stroke speed).
        let strokes = target_positional && !positional;
        let speed_to_intensity = positional && !target_positional;
        if t.stroke_ms.is_some() && !strokes {
            return Err(invalid(
                file,
                format!("{tpath}.stroke_ms"),
                "stroke_ms applies when an intensity drives a position target",
            ));
        }
        if let Some(s) = t.full_speed {
            if !speed_to_intensity {
                return Err(invalid(
                    file,
                    format!("{tpath}.full_speed"),
                    "full_speed applies when a position drives an intensity target",
                ));
            }
            if !(s.is_finite() && s > 0.0) {
                return Err(invalid(
                    file,
                    format!("{tpath}.full_speed"),
                    format!("expected a speed above 0 (range fractions per second), found {s}"),
                ));
            }
        }
        let range = t.range.map_or((0.0, 1.0), |Fractions(lo, hi)| (lo, hi));
        to.push(Target {
            feature: t.feature.map(|FeatureIndex(f)| f),
            output: kind,
            range,
            curve: t.curve.unwrap_or(Curve::Linear),
            invert: t.invert,
            clockwise: t.clockwise.unwrap_or(true),
            stroke_ms: t
                .stroke_ms
                .map_or(DEFAULT_STROKE_MS, |StrokeMs(s, f)| (s, f)),
            full_speed: t.full_speed.unwrap_or(DEFAULT_FULL_SPEED),
            path: tpath,
        });
    }
    Ok(Presented {
        output,
        steps,
        description: p
            .description
            .unwrap_or_else(|| format!("{} (mapped)", output.spec_name())),
        to,
    })
}

/// Outputs whose value is a place, not an intensity.
pub fn is_positional(kind: OutputType) -> bool {
    matches!(
        kind,
        OutputType::Position | OutputType::HwPositionWithDuration
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        OutputMap::from_named_json("map.json", text)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn a_full_map_loads() {
        let map = OutputMap::from_named_json(
            "map.json",
            r#"{"version": 1,
              "devices": [{"match": {"name": "Simulated Stroker"}, "hide_original": true,
                "present": [{"output": "vibrate", "to": [{"output": "hw_position_with_duration",
                  "stroke_ms": [800, 150], "range": [0.1, 0.9], "invert": true}]}]}],
              "groups": [{"name": "All", "outputs": ["vibrate"], "members": [{"protocol": "simulated"}]},
                         {"name": "Two", "index": 7, "outputs": ["rotate"], "members": []}]}"#,
        )
        .unwrap();
        let rule = &map.devices[0];
        assert!(rule.hide_original);
        assert_eq!(rule.present[0].steps, 20);
        let t = &rule.present[0].to[0];
        assert_eq!(t.stroke_ms, (800, 150));
        assert_eq!(t.range, (0.1, 0.9));
        assert!(t.invert);
        assert_eq!(t.path, "devices[0].present[0].to[0]");
        assert_eq!(map.groups[0].index, FIRST_GROUP_INDEX);
        assert_eq!(map.groups[1].index, 7);
    }

    #[test]
    fn errors_name_file_path_and_expectation() {
        let cases = [
            (
                r#"{"version": 1, "devices": [{"match": {}, "present": []}]}"#,
                "map.json: at devices[0].match: expected at least one of `address`, `name`, `protocol`",
            ),
            (
                r#"{"version": 1, "devices": [{"match": {"name": "x"}, "present": [{"output": "wiggle", "to": []}]}]}"#,
                "map.json: at devices[0].present[0].output: invalid value: string \"wiggle\", expected an output kind, one of vibrate, rotate",
            ),
            (
                r#"{"version": 1, "devices": [{"match": {"name": "x"}, "present": [{"output": "vibrate", "to": [{"output": "vibrate", "curve": {"gamma": -1}}]}]}]}"#,
                "map.json: at devices[0].present[0].to[0].curve: invalid value: floating point `-1.0`, expected a curve",
            ),
            (
                r#"{"version": 1, "devices": [{"match": {"name": "x"}, "present": [{"output": "vibrate", "to": [{"output": "vibrate", "range": [0.8, 0.2]}]}]}]}"#,
                "map.json: at devices[0].present[0].to[0].range: expected [low, high], two fractions with 0 <= low < high <= 1, found [0.8, 0.2]",
            ),
            (
                r#"{"version": 1, "devices": [{"match": {"name": "x"}, "present": [{"output": "vibrate", "to": [{"output": "oscillate", "invert": true}]}]}]}"#,
                "map.json: at devices[0].present[0].to[0].invert: invert applies to position, hw_position_with_duration and rotate targets, not oscillate",
            ),
            (
                r#"{"version": 1, "devices": [{"match": {"name": "x"}, "present": [{"output": "spray", "to": [{"output": "vibrate"}]}]}]}"#,
                "map.json: at devices[0].present[0].output: spray cannot be presented; expected one of vibrate",
            ),
            (
                r#"{"version": 1, "devices": [{"match": {"name": "x"}, "present": [{"output": "vibrate", "to": [{"output": "rotate", "stroke_ms": [500, 100]}]}]}]}"#,
                "map.json: at devices[0].present[0].to[0].stroke_ms: stroke_ms applies when an intensity drives a position target",
            ),
            (
                r#"{"version": 1, "devices": [{"match": {"name": "x"}, "present": [{"output": "vibrate", "to": [{"output": "vibrate", "feature": -1}]}]}]}"#,
                "map.json: at devices[0].present[0].to[0].feature: invalid value: integer `-1`, expected a feature index",
            ),
            (
                r#"{"version": 1, "groups": [{"name": "a", "index": 3, "outputs": ["vibrate"], "members": []}, {"name": "b", "index": 3, "outputs": ["vibrate"], "members": []}]}"#,
                "map.json: at groups[1].index: index 3 is already another group's",
            ),
            (
                r#"{"version": 1, "groups": [{"name": "a", "outputs": [], "members": []}]}"#,
                "map.json: at groups[0].outputs: expected at least one output kind",
            ),
            (
                r#"{"version": 1, "devices": [{"match": {"nmae": "x"}, "present": []}]}"#,
                "map.json: at devices[0].match.nmae: unknown field `nmae`, expected one of `address`, `name`, `protocol`",
            ),
            (
                r#"{"version": 2}"#,
                "map.json: at version: version 2 is not supported (1 is)",
            ),
            (
                r#"[1]"#,
                "map.json: at the top level: expected an output map",
            ),
        ];
        for (text, expected) in cases {
            let e = err(text);
            assert!(
                e.starts_with(expected),
                "{text}\n  gave {e}\n  expected {expected}"
            );
        }
        assert!(err("{\"version\": 1,").starts_with("map.json: not valid JSON at line 1"));
    }

    #[test]
    fn curves_shape_intensity() {
        assert_eq!(Curve::Linear.apply(0.25), 0.25);
        assert!((Curve::Gamma(2.0).apply(0.5) - 0.25).abs() < 1e-12);
        assert_eq!(Curve::Gamma(0.5).apply(1.0), 1.0);
    }
}
