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
        requests: smallvec::smallvec![request],
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
            let output = output_type(kind)
                .ok_or_else(|| ButtplugError::message(format!("unknown output type {kind}")))?;
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
pub fn feature_json(f: &DeviceFeature) -> Value {
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

// ------------------------------------------------------------------ client side

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::device::feature::{InputLimits, OutputLimits, json_range};
use crate::spec::ErrorCode;
use crate::spec::message::{Response, ServerEvent};

/// A request as spec v4 client messages, each with an Id from `next_id`: one message, or
/// one `OutputCmd` per output of a multi-output request (sent in one frame, so a server
/// like plugwire applies them as one batch).
pub fn encode_request(request: &Request, mut next_id: impl FnMut() -> u32) -> Vec<(u32, Value)> {
    if let Request::Outputs { device, commands } = request {
        return commands
            .iter()
            .map(|(feature, command)| {
                let id = next_id();
                let single = Request::Output {
                    device: *device,
                    feature: *feature,
                    command: *command,
                };
                (id, encode_message(id, &single))
            })
            .collect();
    }
    let id = next_id();
    vec![(id, encode_message(id, request))]
}

fn encode_message(id: u32, request: &Request) -> Value {
    match request {
        // encode_request splits these into single outputs; never one message.
        Request::Outputs { .. } => Value::Null,
        Request::RequestServerInfo { client_name, .. } => json!({"RequestServerInfo": {
            "Id": id, "ClientName": client_name, "ProtocolVersionMajor": 4, "ProtocolVersionMinor": 0}}),
        Request::Ping => json!({"Ping": {"Id": id}}),
        Request::StartScanning => json!({"StartScanning": {"Id": id}}),
        Request::StopScanning => json!({"StopScanning": {"Id": id}}),
        Request::RequestDeviceList => json!({"RequestDeviceList": {"Id": id}}),
        Request::Disconnect => json!({"Disconnect": {"Id": id}}),
        Request::Output {
            device,
            feature,
            command,
        } => {
            let mut params = Map::new();
            params.insert("Value".into(), json!(command.value));
            if let Some(d) = command.duration {
                params.insert("Duration".into(), json!(d));
            }
            json!({"OutputCmd": {"Id": id, "DeviceIndex": device, "FeatureIndex": feature,
                "Command": {command.output.spec_name(): params}}})
        }
        Request::Input {
            device,
            feature,
            input,
            command,
        } => json!({"InputCmd": {
            "Id": id, "DeviceIndex": device, "FeatureIndex": feature,
            "Type": input.spec_name(), "Command": command.name()}}),
        Request::Stop {
            device,
            feature,
            inputs,
            outputs,
        } => {
            let mut body = Map::new();
            body.insert("Id".into(), json!(id));
            if let Some(d) = device {
                body.insert("DeviceIndex".into(), json!(d));
            }
            if let Some(f) = feature {
                body.insert("FeatureIndex".into(), json!(f));
            }
            body.insert("Inputs".into(), json!(inputs));
            body.insert("Outputs".into(), json!(outputs));
            json!({ "StopCmd": body })
        }
    }
}

/// What a v4 server sent: a reply to a request Id, or an event (Id 0).
#[derive(Clone, Debug, PartialEq)]
pub enum ServerMessage {
    Reply(u32, Result<Response, ButtplugError>),
    /// A full device list pushed by the server (v4 announces changes this way).
    DeviceList(Vec<DeviceInfo>),
    Event(ServerEvent),
    /// An error not tied to a request.
    Error(ButtplugError),
}

/// An output type by its v4 name; `PositionWithDuration` is an older spelling of
/// `HwPositionWithDuration`.
pub(super) fn output_type(kind: &str) -> Option<OutputType> {
    output_type_bytes(kind.as_bytes())
}

/// [`output_type`] of a name not yet checked as UTF-8 (no name it knows is other than
/// ASCII letters).
pub(super) fn output_type_bytes(kind: &[u8]) -> Option<OutputType> {
    // The names as the spec writes them first (one comparison), any other case after.
    if let Some(exact) = OutputType::ALL
        .into_iter()
        .find(|t| t.spec_name().as_bytes() == kind)
    {
        Some(exact)
    } else if kind == b"PositionWithDuration" {
        Some(OutputType::HwPositionWithDuration)
    } else {
        OutputType::ALL
            .into_iter()
            .find(|t| t.spec_name().as_bytes().eq_ignore_ascii_case(kind))
    }
}

fn parse_feature(index: u32, f: &Body) -> DeviceFeature {
    let mut outputs = BTreeMap::new();
    for (kind, spec) in f
        .get("Output")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let (Some(t), Some(value)) = (output_type(kind), spec.get("Value").and_then(json_range))
        else {
            continue;
        };
        let mut limits = OutputLimits::new(value.0, value.1);
        limits.duration = spec
            .get("Duration")
            .and_then(json_range)
            .map(|(a, b)| (a.max(0) as u32, b.max(0) as u32));
        outputs.insert(t, limits);
    }
    let mut inputs = BTreeMap::new();
    for (kind, spec) in f
        .get("Input")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let Some(t) = InputType::from_name(kind) else {
            continue;
        };
        inputs.insert(t, InputLimits::from_json(spec, "Value", "Command"));
    }
    let description = f
        .get("FeatureDescription")
        .or_else(|| f.get("FeatureDescriptor"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    DeviceFeature {
        index,
        id: String::new(),
        description,
        outputs,
        inputs,
    }
}

fn parse_devices(devices: &Value) -> Result<Vec<DeviceInfo>, ButtplugError> {
    let map = devices
        .as_object()
        .ok_or_else(|| ButtplugError::message("DeviceList.Devices is not an object"))?;
    let mut out = Vec::with_capacity(map.len());
    for d in map.values() {
        let d = object(d, "device")?;
        let features = d
            .get("DeviceFeatures")
            .and_then(Value::as_object)
            .map(|fs| {
                fs.iter()
                    .filter_map(|(k, f)| {
                        let f = f.as_object()?;
                        let index = f
                            .get("FeatureIndex")
                            .and_then(Value::as_u64)
                            .map(|i| i as u32)
                            .or_else(|| k.parse().ok())?;
                        Some(parse_feature(index, f))
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        out.push(DeviceInfo {
            index: u32_field(d, "DeviceIndex")?,
            name: str_field(d, "DeviceName")?.to_string(),
            display_name: opt(d, "DeviceDisplayName")
                .and_then(Value::as_str)
                .map(str::to_string),
            message_gap_ms: opt(d, "DeviceMessageTimingGap")
                .and_then(Value::as_u64)
                .unwrap_or(0) as u32,
            features: Arc::new(features),
        });
    }
    out.sort_by_key(|d| d.index);
    Ok(out)
}

/// Reads one message a v4 server sent.
pub fn decode_server_message(message: &Value) -> Result<ServerMessage, ButtplugError> {
    let outer = object(message, "message")?;
    let (name, body) = single_entry(outer, "message")?;
    let body = object(body, name)?;
    let id = u32_field(body, "Id")?;
    let reply = |r: Result<Response, ButtplugError>| {
        Ok(if id == 0 {
            match r {
                Ok(Response::DeviceList(list)) => ServerMessage::DeviceList(list),
                Ok(Response::InputReading {
                    device,
                    feature,
                    input,
                    value,
                }) => ServerMessage::Event(ServerEvent::InputReading {
                    device,
                    feature,
                    input,
                    value,
                }),
                Err(e) if e.code == ErrorCode::Ping => {
                    ServerMessage::Event(ServerEvent::PingTimeout)
                }
                Err(e) => ServerMessage::Error(e),
                Ok(other) => ServerMessage::Error(ButtplugError::message(format!(
                    "unexpected event {other:?}"
                ))),
            }
        } else {
            ServerMessage::Reply(id, r)
        })
    };
    match name {
        "Ok" => reply(Ok(Response::Ok)),
        "Error" => {
            let code = opt(body, "ErrorCode").and_then(Value::as_u64).unwrap_or(0) as u8;
            let message = opt(body, "ErrorMessage")
                .and_then(Value::as_str)
                .unwrap_or_default();
            reply(Err(ButtplugError::new(ErrorCode::from_u8(code), message)))
        }
        "ServerInfo" => {
            let major = u32_field(body, "ProtocolVersionMajor").unwrap_or(0);
            let version =
                crate::spec::SpecVersion::from_number(u64::from(major)).ok_or_else(|| {
                    ButtplugError::handshake(format!("server speaks spec {major}, not 4"))
                })?;
            reply(Ok(Response::ServerInfo {
                server_name: opt(body, "ServerName")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                max_ping_time_ms: u32_field(body, "MaxPingTime").unwrap_or(0),
                version,
            }))
        }
        "DeviceList" => reply(
            parse_devices(opt(body, "Devices").unwrap_or(&Value::Null)).map(Response::DeviceList),
        ),
        "ScanningFinished" => Ok(ServerMessage::Event(ServerEvent::ScanningFinished)),
        "InputReading" => {
            let reading = opt(body, "Reading")
                .and_then(Value::as_object)
                .ok_or_else(|| ButtplugError::message("InputReading without Reading"))?;
            let (kind, v) = single_entry(reading, "Reading")?;
            let input = InputType::from_name(kind)
                .ok_or_else(|| ButtplugError::message(format!("unknown input {kind}")))?;
            let value = v.get("Value").and_then(Value::as_i64).unwrap_or(0) as i32;
            reply(Ok(Response::InputReading {
                device: u32_field(body, "DeviceIndex")?,
                feature: u32_field(body, "FeatureIndex")?,
                input,
                value,
            }))
        }
        other => Err(ButtplugError::message(format!(
            "{other} is not a spec v4 server message"
        ))),
    }
}
