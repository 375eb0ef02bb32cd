//! Spec v4 JSON: client messages into the internal model, replies and events out.

use serde_json::{Map, Value, json};

use super::ButtplugError;
use super::fields::{
    Body, i32_field, object, opt, opt_bool_field, opt_u32_field, str_field, u32_field,
};
use super::frame::{Plan, ReplyPlan};
use super::message::{DeviceInfo, OutputCommand, Request};
use crate::device::feature::{DeviceFeature, InputCommand, InputType, OutputType};

fn plan(request: Request, reply: ReplyPlan) -> Result<Plan, ButtplugError> {
    Ok(Plan {
        requests: vec![request],
        reply,
    })
}

/// Decodes one v4 client message (other than RequestServerInfo).
pub(crate) fn decode(name: &str, body: &Body) -> Result<Plan, ButtplugError> {
    match name {
        "Ping" => plan(Request::Ping, ReplyPlan::Ok),
        "StartScanning" => plan(Request::StartScanning, ReplyPlan::Ok),
        "StopScanning" => plan(Request::StopScanning, ReplyPlan::Ok),
        "RequestDeviceList" => plan(Request::RequestDeviceList, ReplyPlan::DeviceList),
        "Disconnect" => plan(Request::Disconnect, ReplyPlan::Ok),
        "OutputCmd" => {
            let device = u32_field(body, "DeviceIndex")?;
            let feature = u32_field(body, "FeatureIndex")?;
            let command = opt(body, "Command")
                .ok_or_else(|| ButtplugError::message("field Command is missing"))?;
            let command = object(command, "Command")?;
            let (kind, params) = single_entry(command, "Command")?;
            // `PositionWithDuration` is an older spelling of the same output.
            let output = if kind == "PositionWithDuration" {
                OutputType::HwPositionWithDuration
            } else {
                OutputType::from_spec_name(kind)
                    .ok_or_else(|| ButtplugError::message(format!("unknown output type {kind}")))?
            };
            let params = object(params, kind)?;
            let value = i32_field(params, "Value")?;
            let duration = if output == OutputType::HwPositionWithDuration {
                Some(u32_field(params, "Duration")?)
            } else {
                None
            };
            plan(
                Request::Output {
                    device,
                    feature,
                    command: OutputCommand {
                        output,
                        value,
                        duration,
                    },
                },
                ReplyPlan::Ok,
            )
        }
        "InputCmd" => {
            let device = u32_field(body, "DeviceIndex")?;
            let feature = u32_field(body, "FeatureIndex")?;
            let type_name = str_field(body, "Type").or_else(|_| str_field(body, "InputType"))?;
            let input = InputType::from_name(type_name)
                .ok_or_else(|| ButtplugError::message(format!("unknown input type {type_name}")))?;
            let command_name =
                str_field(body, "Command").or_else(|_| str_field(body, "InputCommand"))?;
            let command = InputCommand::from_name(command_name).ok_or_else(|| {
                ButtplugError::message(format!("unknown input command {command_name}"))
            })?;
            let reply = if command == InputCommand::Read {
                ReplyPlan::InputReading
            } else {
                ReplyPlan::Ok
            };
            plan(
                Request::Input {
                    device,
                    feature,
                    input,
                    command,
                },
                reply,
            )
        }
        "StopCmd" => {
            let device = opt_u32_field(body, "DeviceIndex")?;
            let feature = opt_u32_field(body, "FeatureIndex")?;
            if feature.is_some() && device.is_none() {
                return Err(ButtplugError::message(
                    "StopCmd with a FeatureIndex needs a DeviceIndex",
                ));
            }
            plan(
                Request::Stop {
                    device,
                    feature,
                    inputs: opt_bool_field(body, "Inputs")?.unwrap_or(true),
                    outputs: opt_bool_field(body, "Outputs")?.unwrap_or(true),
                },
                ReplyPlan::Ok,
            )
        }
        other => Err(ButtplugError::message(format!(
            "{other} is not a spec v4 client message"
        ))),
    }
}

fn single_entry<'a>(map: &'a Body, what: &str) -> Result<(&'a str, &'a Value), ButtplugError> {
    let mut iter = map.iter();
    match (iter.next(), iter.next()) {
        (Some((k, v)), None) => Ok((k.as_str(), v)),
        _ => Err(ButtplugError::message(format!(
            "{what} must have exactly one key"
        ))),
    }
}

/// A feature as a v4 DeviceList shows it.
pub(crate) fn feature_json(f: &DeviceFeature) -> Value {
    let mut m = Map::new();
    m.insert("FeatureIndex".into(), json!(f.index));
    m.insert("FeatureDescription".into(), json!(f.description));
    if !f.outputs.is_empty() {
        let outputs: Map<String, Value> = f
            .outputs
            .iter()
            .map(|(kind, limits)| {
                let mut o = Map::new();
                o.insert("Value".into(), json!([limits.value.0, limits.value.1]));
                if let Some((lo, hi)) = limits.duration {
                    o.insert("Duration".into(), json!([lo, hi]));
                }
                (kind.spec_name().to_string(), Value::Object(o))
            })
            .collect();
        m.insert("Output".into(), Value::Object(outputs));
    }
    if !f.inputs.is_empty() {
        let inputs: Map<String, Value> = f
            .inputs
            .iter()
            .map(|(kind, limits)| {
                (
                    kind.spec_name().to_string(),
                    json!({
                        "Value": limits.value.iter().map(|(a, b)| json!([a, b])).collect::<Vec<_>>(),
                        "Command": limits.commands.iter().map(|c| c.name()).collect::<Vec<_>>(),
                    }),
                )
            })
            .collect();
        m.insert("Input".into(), Value::Object(inputs));
    }
    Value::Object(m)
}

pub(crate) fn device_json(d: &DeviceInfo) -> Value {
    let mut m = Map::new();
    m.insert("DeviceIndex".into(), json!(d.index));
    m.insert("DeviceName".into(), json!(d.name));
    if let Some(display) = &d.display_name {
        m.insert("DeviceDisplayName".into(), json!(display));
    }
    m.insert("DeviceMessageTimingGap".into(), json!(d.message_gap_ms));
    let features: Map<String, Value> = d
        .features
        .iter()
        // Features with nothing to drive or read are not shown, as the reference does.
        .filter(|f| !f.outputs.is_empty() || !f.inputs.is_empty())
        .map(|f| (f.index.to_string(), feature_json(f)))
        .collect();
    m.insert("DeviceFeatures".into(), Value::Object(features));
    Value::Object(m)
}

/// `DeviceList` with devices keyed by index.
pub(crate) fn device_list(id: u32, devices: &[DeviceInfo]) -> Value {
    let map: Map<String, Value> = devices
        .iter()
        .map(|d| (d.index.to_string(), device_json(d)))
        .collect();
    json!({"DeviceList": {"Id": id, "Devices": map}})
}

pub(crate) fn input_reading(
    id: u32,
    device: u32,
    feature: u32,
    input: InputType,
    value: i32,
) -> Value {
    json!({"InputReading": {"Id": id, "DeviceIndex": device, "FeatureIndex": feature,
        "Reading": {input.spec_name(): {"Value": value}}}})
}
