//! How a device looks to clients of spec v0-v3: the per-version `DeviceMessages`
//! attributes, and the index lists that legacy commands address features through.
//!
//! One ordering serves both the attributes sent and the lookups done when a command comes
//! back, so a ScalarCmd `Index` always means the entry the client was shown.

use serde_json::{Map, Value, json};

use super::SpecVersion;
use super::message::DeviceInfo;
use crate::device::feature::{InputCommand, InputType, OutputType};

/// One addressable actuator in a legacy list.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Actuator {
    pub feature: u32,
    pub output: OutputType,
    pub steps: u32,
    pub description: String,
}

/// One sensor in the v3 list.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Sensor {
    pub feature: u32,
    pub input: InputType,
    pub ranges: Vec<(i32, i32)>,
    pub description: String,
    pub readable: bool,
    pub subscribable: bool,
}

/// A device seen through spec v0-v3.
pub(crate) struct LegacyView {
    /// v3 ScalarCmd entries (v2/v1 VibrateCmd are the Vibrate ones among them).
    pub scalars: Vec<Actuator>,
    /// Bidirectional rotation (signed range): v1-v3 RotateCmd.
    pub rotators: Vec<Actuator>,
    /// Timed position moves: v1-v3 LinearCmd.
    pub linears: Vec<Actuator>,
    pub sensors: Vec<Sensor>,
}

/// Output kinds a v3 client understands as ScalarCmd actuators.
const SCALAR_KINDS: [OutputType; 5] = [
    OutputType::Vibrate,
    OutputType::Rotate,
    OutputType::Oscillate,
    OutputType::Constrict,
    OutputType::Position,
];

/// Sensor kinds spec v3 defines.
const SENSOR_KINDS: [InputType; 4] = [
    InputType::Battery,
    InputType::Rssi,
    InputType::Button,
    InputType::Pressure,
];

impl LegacyView {
    pub fn of(device: &DeviceInfo) -> LegacyView {
        let mut view = LegacyView {
            scalars: Vec::new(),
            rotators: Vec::new(),
            linears: Vec::new(),
            sensors: Vec::new(),
        };
        for f in device.features.iter() {
            for (kind, limits) in &f.outputs {
                let actuator = Actuator {
                    feature: f.index,
                    output: *kind,
                    steps: limits.step_count(),
                    description: f.description.clone(),
                };
                if SCALAR_KINDS.contains(kind) {
                    view.scalars.push(actuator.clone());
                }
                if *kind == OutputType::Rotate && limits.value.0 < 0 {
                    view.rotators.push(actuator.clone());
                }
                if *kind == OutputType::HwPositionWithDuration {
                    view.linears.push(actuator);
                }
            }
            for (kind, limits) in &f.inputs {
                if !SENSOR_KINDS.contains(kind) {
                    continue;
                }
                view.sensors.push(Sensor {
                    feature: f.index,
                    input: *kind,
                    ranges: limits.value.clone(),
                    description: f.description.clone(),
                    readable: limits.accepts(InputCommand::Read),
                    subscribable: limits.accepts(InputCommand::Subscribe),
                });
            }
        }
        view
    }

    pub fn vibrators(&self) -> impl Iterator<Item = &Actuator> {
        self.scalars
            .iter()
            .filter(|a| a.output == OutputType::Vibrate)
    }

    pub fn first_input(&self, input: InputType) -> Option<&Sensor> {
        self.sensors.iter().find(|s| s.input == input && s.readable)
    }

    /// Index of a sensor in the v3 list, for readings pushed by a subscription.
    pub fn sensor_index(&self, feature: u32, input: InputType) -> Option<usize> {
        self.sensors
            .iter()
            .position(|s| s.feature == feature && s.input == input)
    }
}

/// Spec v3 sensor type names (`RSSI` is upper case there).
pub(crate) fn v3_sensor_name(input: InputType) -> &'static str {
    match input {
        InputType::Rssi => "RSSI",
        other => other.spec_name(),
    }
}

fn actuator_list(list: &[Actuator], actuator_type: bool) -> Value {
    Value::Array(
        list.iter()
            .map(|a| {
                let mut m = Map::new();
                m.insert("FeatureDescriptor".into(), json!(a.description));
                if actuator_type {
                    let name = if a.output == OutputType::HwPositionWithDuration {
                        "Position"
                    } else {
                        a.output.spec_name()
                    };
                    m.insert("ActuatorType".into(), json!(name));
                }
                m.insert("StepCount".into(), json!(a.steps));
                Value::Object(m)
            })
            .collect(),
    )
}

fn count_and_steps(list: &[&Actuator], with_steps: bool) -> Value {
    let mut m = Map::new();
    m.insert("FeatureCount".into(), json!(list.len()));
    if with_steps {
        m.insert(
            "StepCount".into(),
            Value::Array(list.iter().map(|a| json!(a.steps)).collect()),
        );
    }
    Value::Object(m)
}

/// The `DeviceMessages` value for a device in a spec version below 4.
pub(crate) fn device_messages(device: &DeviceInfo, version: SpecVersion) -> Value {
    let view = LegacyView::of(device);
    let vibrators: Vec<&Actuator> = view.vibrators().collect();
    let rotators: Vec<&Actuator> = view.rotators.iter().collect();
    let linears: Vec<&Actuator> = view.linears.iter().collect();
    let mut m = Map::new();
    match version {
        SpecVersion::V3 => {
            if !view.scalars.is_empty() {
                m.insert("ScalarCmd".into(), actuator_list(&view.scalars, true));
            }
            if !view.rotators.is_empty() {
                m.insert("RotateCmd".into(), actuator_list(&view.rotators, true));
            }
            if !view.linears.is_empty() {
                m.insert("LinearCmd".into(), actuator_list(&view.linears, true));
            }
            let sensor_list = |pick: fn(&Sensor) -> bool| -> Value {
                Value::Array(
                    view.sensors
                        .iter()
                        .filter(|s| pick(s))
                        .map(|s| {
                            json!({
                                "FeatureDescriptor": s.description,
                                "SensorType": v3_sensor_name(s.input),
                                "SensorRange": s.ranges.iter().map(|(a, b)| json!([a, b])).collect::<Vec<_>>(),
                            })
                        })
                        .collect(),
                )
            };
            if view.sensors.iter().any(|s| s.readable) {
                m.insert("SensorReadCmd".into(), sensor_list(|s| s.readable));
            }
            if view.sensors.iter().any(|s| s.subscribable) {
                m.insert("SensorSubscribeCmd".into(), sensor_list(|s| s.subscribable));
            }
        }
        SpecVersion::V1 | SpecVersion::V2 => {
            let steps = version == SpecVersion::V2;
            if !vibrators.is_empty() {
                m.insert("VibrateCmd".into(), count_and_steps(&vibrators, steps));
            }
            if !rotators.is_empty() {
                m.insert("RotateCmd".into(), count_and_steps(&rotators, steps));
            }
            if !linears.is_empty() {
                m.insert("LinearCmd".into(), count_and_steps(&linears, steps));
            }
            if version == SpecVersion::V2 {
                if view.first_input(InputType::Battery).is_some() {
                    m.insert("BatteryLevelCmd".into(), json!({}));
                }
                if view.first_input(InputType::Rssi).is_some() {
                    m.insert("RSSILevelCmd".into(), json!({}));
                }
            } else {
                for name in v0_device_commands(&view) {
                    m.insert(name.into(), json!({}));
                }
            }
        }
        SpecVersion::V0 => {
            let mut names: Vec<&str> = v0_device_commands(&view);
            names.push("StopDeviceCmd");
            names.sort_unstable();
            return json!(names);
        }
        // v4 has no DeviceMessages (its devices are rendered by the v4 module); a v4
        // caller gets the v3 view, the closest legacy shape.
        SpecVersion::V4 => return device_messages(device, SpecVersion::V3),
    }
    m.insert("StopDeviceCmd".into(), json!({}));
    Value::Object(m)
}

/// The spec v0 device commands a device supports (besides StopDeviceCmd).
fn v0_device_commands(view: &LegacyView) -> Vec<&'static str> {
    let mut names = Vec::new();
    if view.vibrators().next().is_some() {
        names.push("SingleMotorVibrateCmd");
    }
    if !view.linears.is_empty() {
        names.push("FleshlightLaunchFW12Cmd");
    }
    if !view.rotators.is_empty() {
        names.push("VorzeA10CycloneCmd");
    }
    names
}

/// A DeviceList / DeviceAdded entry for spec v0-v3 (without `Id`).
pub(crate) fn legacy_device_entry(device: &DeviceInfo, version: SpecVersion) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("DeviceIndex".into(), json!(device.index));
    m.insert("DeviceName".into(), json!(device.name));
    if version == SpecVersion::V3 {
        if let Some(display) = &device.display_name {
            m.insert("DeviceDisplayName".into(), json!(display));
        }
        m.insert(
            "DeviceMessageTimingGap".into(),
            json!(device.message_gap_ms),
        );
    }
    m.insert("DeviceMessages".into(), device_messages(device, version));
    m
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use super::*;
    use crate::device::feature::{DeviceFeature, InputLimits, OutputLimits};

    fn feature(index: u32, desc: &str, outputs: &[(OutputType, i32, i32)]) -> DeviceFeature {
        DeviceFeature {
            index,
            id: String::new(),
            description: desc.into(),
            outputs: outputs
                .iter()
                .map(|(k, lo, hi)| (*k, OutputLimits::new(*lo, *hi)))
                .collect(),
            inputs: BTreeMap::new(),
        }
    }

    fn max() -> DeviceInfo {
        let mut battery = feature(2, "battery Level", &[]);
        battery.inputs.insert(
            InputType::Battery,
            InputLimits {
                value: vec![(0, 100)],
                commands: vec![InputCommand::Read],
            },
        );
        DeviceInfo {
            index: 0,
            name: "Lovense Max".into(),
            display_name: None,
            message_gap_ms: 75,
            features: Arc::new(vec![
                feature(0, "Vibrator", &[(OutputType::Vibrate, 0, 20)]),
                feature(1, "Air Pump", &[(OutputType::Constrict, 0, 3)]),
                battery,
            ]),
        }
    }

    #[test]
    fn v3_attributes() {
        let v = device_messages(&max(), SpecVersion::V3);
        assert_eq!(
            v,
            json!({
                "ScalarCmd": [
                    {"FeatureDescriptor": "Vibrator", "ActuatorType": "Vibrate", "StepCount": 20},
                    {"FeatureDescriptor": "Air Pump", "ActuatorType": "Constrict", "StepCount": 3}],
                "SensorReadCmd": [{"FeatureDescriptor": "battery Level", "SensorType": "Battery", "SensorRange": [[0, 100]]}],
                "StopDeviceCmd": {}
            })
        );
    }

    #[test]
    fn v2_v1_v0_attributes() {
        assert_eq!(
            device_messages(&max(), SpecVersion::V2),
            json!({"VibrateCmd": {"FeatureCount": 1, "StepCount": [20]}, "BatteryLevelCmd": {}, "StopDeviceCmd": {}})
        );
        assert_eq!(
            device_messages(&max(), SpecVersion::V1),
            json!({"VibrateCmd": {"FeatureCount": 1}, "SingleMotorVibrateCmd": {}, "StopDeviceCmd": {}})
        );
        assert_eq!(
            device_messages(&max(), SpecVersion::V0),
            json!(["SingleMotorVibrateCmd", "StopDeviceCmd"])
        );
    }

    #[test]
    fn signed_rotation_is_a_rotate_cmd() {
        let mut nora = max();
        nora.features = Arc::new(vec![
            feature(0, "", &[(OutputType::Vibrate, 0, 20)]),
            feature(1, "", &[(OutputType::Rotate, -20, 20)]),
        ]);
        let view = LegacyView::of(&nora);
        assert_eq!(view.scalars.len(), 2);
        assert_eq!(view.rotators.len(), 1);
        assert_eq!(view.rotators[0].feature, 1);
        assert_eq!(
            device_messages(&nora, SpecVersion::V0),
            json!([
                "SingleMotorVibrateCmd",
                "StopDeviceCmd",
                "VorzeA10CycloneCmd"
            ])
        );
    }
}
