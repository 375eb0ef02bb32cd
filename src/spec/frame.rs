//! JSON framing and the version-aware codec.
//!
//! A frame is a JSON array of single-key objects. The first `RequestServerInfo` picks the
//! spec version for the session; from then on each message is decoded with that version's
//! rules into internal [`Request`]s plus a [`ReplyPlan`] saying how to answer in the
//! client's own format.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::device_messages::{LegacyView, legacy_device_entry, v3_sensor_name};
use super::fields::{Body, opt, u32_field};
use super::message::{DeviceInfo, Request, Response, ServerEvent};
use super::{ButtplugError, ErrorCode, SpecVersion, legacy, v4};
use crate::device::feature::InputType;

/// How to answer a decoded message once its requests have run.
#[derive(Clone, Debug, PartialEq)]
pub enum ReplyPlan {
    Ok,
    ServerInfo,
    DeviceList,
    /// v4 InputReading.
    InputReading,
    /// v2 BatteryLevelReading (0..1).
    BatteryLevel {
        device: u32,
    },
    /// v2 RSSILevelReading.
    RssiLevel {
        device: u32,
    },
    /// v3 SensorReading.
    SensorReading {
        device: u32,
        sensor_index: u32,
        input: InputType,
    },
    /// v0 Test: echo the string.
    Test(String),
}

/// The requests of one message.
pub type Requests = smallvec::SmallVec<[Request; 1]>;

/// A decoded message: the requests to run and how to reply.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// Nearly always one request, kept without an allocation.
    pub requests: Requests,
    pub reply: ReplyPlan,
}

/// One message of a frame, decoded (or not).
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    /// The message Id, or 0 when it could not be read.
    pub id: u32,
    pub plan: Result<Plan, ButtplugError>,
}

/// Gives the codec the devices' features, which legacy commands address by position.
pub trait DeviceLookup {
    fn device(&self, index: u32) -> Option<DeviceInfo>;
}

impl<F: Fn(u32) -> Option<DeviceInfo>> DeviceLookup for F {
    fn device(&self, index: u32) -> Option<DeviceInfo> {
        self(index)
    }
}

/// The per-connection codec. It remembers the negotiated version and, for
/// FleshlightLaunchFW12Cmd, the last position sent to each device.
#[derive(Default)]
pub struct JsonCodec {
    version: Option<SpecVersion>,
    pub(crate) last_positions: HashMap<u32, f64>,
}

impl JsonCodec {
    pub fn new() -> JsonCodec {
        JsonCodec::default()
    }

    pub fn version(&self) -> Option<SpecVersion> {
        self.version
    }

    /// Fixes the session's version (after a successful handshake).
    pub fn set_version(&mut self, version: SpecVersion) {
        self.version = Some(version);
    }

    /// Splits a text frame into its messages; decode each with
    /// [`JsonCodec::decode_message`] after the previous one has run, since a handshake
    /// earlier in the frame sets the version the rest is read with.
    pub fn split_frame(text: &str) -> Result<Vec<Value>, ButtplugError> {
        parse_frame(text)
    }

    /// Decodes one message of a frame.
    pub fn decode_message(&mut self, message: Value, devices: &dyn DeviceLookup) -> Decoded {
        let Value::Object(outer) = message else {
            return Decoded {
                id: 0,
                plan: Err(ButtplugError::message(
                    "each message must be an object with one key, the message name",
                )),
            };
        };
        if outer.len() != 1 {
            return Decoded {
                id: 0,
                plan: Err(ButtplugError::message(
                    "each message must be an object with exactly one key, the message name",
                )),
            };
        }
        let Some((name, body)) = outer.into_iter().next() else {
            return Decoded {
                id: 0,
                plan: Err(ButtplugError::message("empty message object")),
            };
        };
        let Value::Object(body) = body else {
            return Decoded {
                id: 0,
                plan: Err(ButtplugError::message(format!(
                    "{name}: message body is not an object"
                ))),
            };
        };
        let id = match read_id(&body) {
            Ok(id) => id,
            Err(e) => {
                return Decoded {
                    id: 0,
                    plan: Err(e),
                };
            }
        };
        let plan = self.decode_body(&name, &body, devices);
        Decoded { id, plan }
    }

    fn decode_body(
        &mut self,
        name: &str,
        body: &Body,
        devices: &dyn DeviceLookup,
    ) -> Result<Plan, ButtplugError> {
        if name == "RequestServerInfo" {
            let version = handshake_version(body)?;
            let client_name = opt(body, "ClientName")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            // A repeated handshake keeps the session's version; the server rejects it.
            let version = self.version.unwrap_or(version);
            return Ok(Plan {
                requests: smallvec::smallvec![Request::RequestServerInfo {
                    client_name,
                    version,
                }],
                reply: ReplyPlan::ServerInfo,
            });
        }
        let Some(version) = self.version else {
            return Err(ButtplugError::handshake(format!(
                "expected RequestServerInfo to start the connection, got {name}"
            )));
        };
        match version {
            SpecVersion::V4 => v4::decode(name, body),
            legacy_version => legacy::decode(self, legacy_version, name, body, devices),
        }
    }

    /// A codec with this one's version, to render replies once their requests are done.
    pub fn reply_encoder(&self) -> JsonCodec {
        JsonCodec {
            version: self.version,
            last_positions: HashMap::new(),
        }
    }

    /// Renders the reply to a message whose requests all succeeded.
    pub fn encode_reply(
        &self,
        id: u32,
        plan: &ReplyPlan,
        responses: &[Response],
    ) -> Result<Reply, ButtplugError> {
        let last = responses.last();
        let value = match plan {
            ReplyPlan::Ok => return Ok(Reply::Ok(id)),
            ReplyPlan::Test(s) => json!({"Test": {"Id": id, "TestString": s}}),
            ReplyPlan::ServerInfo => match last {
                Some(Response::ServerInfo {
                    server_name,
                    max_ping_time_ms,
                    version,
                }) => server_info(id, server_name, *max_ping_time_ms, *version),
                _ => return Err(unexpected("ServerInfo")),
            },
            ReplyPlan::DeviceList => match last {
                Some(Response::DeviceList(devices)) => self.device_list(id, devices),
                _ => return Err(unexpected("DeviceList")),
            },
            ReplyPlan::InputReading => match last {
                Some(Response::InputReading {
                    device,
                    feature,
                    input,
                    value,
                }) => v4::input_reading(id, *device, *feature, *input, *value),
                _ => return Err(unexpected("InputReading")),
            },
            ReplyPlan::BatteryLevel { device } => match last {
                Some(Response::InputReading { value, .. }) => json!({"BatteryLevelReading": {
                    "Id": id, "DeviceIndex": device, "BatteryLevel": (*value as f64 / 100.0).clamp(0.0, 1.0)}}),
                _ => return Err(unexpected("BatteryLevelReading")),
            },
            ReplyPlan::RssiLevel { device } => match last {
                Some(Response::InputReading { value, .. }) => {
                    json!({"RSSILevelReading": {"Id": id, "DeviceIndex": device, "RSSILevel": value}})
                }
                _ => return Err(unexpected("RSSILevelReading")),
            },
            ReplyPlan::SensorReading {
                device,
                sensor_index,
                input,
            } => match last {
                Some(Response::InputReading { value, .. }) => json!({"SensorReading": {
                    "Id": id, "DeviceIndex": device, "SensorIndex": sensor_index,
                    "SensorType": v3_sensor_name(*input), "Data": [value]}}),
                _ => return Err(unexpected("SensorReading")),
            },
        };
        Ok(Reply::Json(value))
    }

    /// Renders an event for this session's version; `None` when the version has no way
    /// to say it. `devices` is the current device list (v4 sends it whole on any change).
    pub fn encode_event(&self, event: &ServerEvent, devices: &[DeviceInfo]) -> Option<Value> {
        let version = self.version?;
        match event {
            ServerEvent::ScanningFinished => Some(json!({"ScanningFinished": {"Id": 0}})),
            ServerEvent::PingTimeout => Some(encode_error(
                0,
                &ButtplugError::ping("ping timed out: every device was stopped"),
            )),
            ServerEvent::EventsDropped(n) => Some(encode_error(
                0,
                &ButtplugError::unknown(format!(
                    "{n} events were dropped: the client did not read them fast enough"
                )),
            )),
            ServerEvent::DeviceAdded(info) if version < SpecVersion::V4 => {
                let mut entry = Map::new();
                entry.insert("Id".into(), json!(0));
                entry.extend(legacy_device_entry(info, version));
                Some(json!({ "DeviceAdded": entry }))
            }
            ServerEvent::DeviceRemoved(index) if version < SpecVersion::V4 => {
                Some(json!({"DeviceRemoved": {"Id": 0, "DeviceIndex": index}}))
            }
            ServerEvent::DeviceAdded(_) | ServerEvent::DeviceRemoved(_) => {
                Some(v4::device_list(0, devices))
            }
            ServerEvent::InputReading {
                device,
                feature,
                input,
                value,
            } => match version {
                SpecVersion::V4 => Some(v4::input_reading(0, *device, *feature, *input, *value)),
                SpecVersion::V3 => {
                    let info = devices.iter().find(|d| d.index == *device)?;
                    let sensor_index = LegacyView::of(info).sensor_index(*feature, *input)?;
                    Some(json!({"SensorReading": {"Id": 0, "DeviceIndex": device,
                        "SensorIndex": sensor_index, "SensorType": v3_sensor_name(*input), "Data": [value]}}))
                }
                _ => None,
            },
        }
    }

    fn device_list(&self, id: u32, devices: &[DeviceInfo]) -> Value {
        match self.version {
            Some(SpecVersion::V4) | None => v4::device_list(id, devices),
            Some(version) => {
                let entries: Vec<Value> = devices
                    .iter()
                    .map(|d| Value::Object(legacy_device_entry(d, version)))
                    .collect();
                json!({"DeviceList": {"Id": id, "Devices": entries}})
            }
        }
    }
}

fn unexpected(what: &str) -> ButtplugError {
    ButtplugError::unknown(format!("server produced no {what} for the request"))
}

/// One reply message of a frame. The `Ok` that answers nearly every command stays its Id
/// until it is written: as a `Value` it took two strings and two maps per command.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    Ok(u32),
    Json(Value),
}

impl Reply {
    pub fn into_value(self) -> Value {
        match self {
            Reply::Ok(id) => json!({"Ok": {"Id": id}}),
            Reply::Json(value) => value,
        }
    }
}

impl From<Value> for Reply {
    fn from(value: Value) -> Reply {
        Reply::Json(value)
    }
}

/// Written as its `Value` would be: `{"Ok":{"Id":N}}`.
impl serde::Serialize for Reply {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        struct IdOnly(u32);
        impl serde::Serialize for IdOnly {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("Id", &self.0)?;
                m.end()
            }
        }
        match self {
            Reply::Ok(id) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("Ok", &IdOnly(*id))?;
                m.end()
            }
            Reply::Json(value) => value.serialize(s),
        }
    }
}

/// `{"Error": {...}}` for any version.
pub fn encode_error(id: u32, error: &ButtplugError) -> Value {
    json!({"Error": {"Id": id, "ErrorCode": error.code as u8, "ErrorMessage": error.message}})
}

/// Joins a frame's replies into its frame: [`frame`]'s text. The frame of `Ok`s that
/// answers pipelined commands is written straight (perf: serde's map writer was about
/// 700 instructions a reply).
pub fn reply_frame(replies: &[Reply]) -> String {
    const OK: &str = r#"{"Ok":{"Id":"#;
    if let [Reply::Ok(id)] = replies {
        // The reply to nearly every pipelined frame, written with no loop around it.
        let mut text = String::with_capacity(ONE_OK_BYTES);
        text.push('[');
        text.push_str(OK);
        push_decimal(&mut text, *id);
        text.push_str("}}]");
        return text;
    }
    if !replies.iter().all(|r| matches!(r, Reply::Ok(_))) {
        return frame(replies);
    }
    let mut text = String::with_capacity(2 + replies.len() * (OK.len() + 13));
    text.push('[');
    for (i, reply) in replies.iter().enumerate() {
        if let Reply::Ok(id) = reply {
            if i > 0 {
                text.push(',');
            }
            text.push_str(OK);
            push_decimal(&mut text, *id);
            text.push_str("}}");
        }
    }
    text.push(']');
    text
}

/// The longest one-`Ok` frame: `[{"Ok":{"Id":4294967295}}]`.
const ONE_OK_BYTES: usize = 27;

/// Appends `n` in decimal.
fn push_decimal(text: &mut String, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for d in &digits[at..] {
        text.push(char::from(*d));
    }
}

/// Joins messages (`Value`s or [`Reply`]s) into one frame.
pub fn frame<M: serde::Serialize>(messages: &[M]) -> String {
    // Straight into a byte buffer: `to_string` goes through `Display` and writes every
    // token through a `fmt::Write` adapter (callgrind: 13 % of the server's instructions
    // per pipelined command were here). The text is the same compact JSON. Serialising a
    // `Value` or a `Reply` cannot fail (their keys are strings); were it to, the client
    // gets an empty frame rather than a broken one.
    serde_json::to_string(messages).unwrap_or_else(|_| "[]".to_string())
}

fn server_info(id: u32, name: &str, max_ping_time: u32, version: SpecVersion) -> Value {
    match version {
        SpecVersion::V4 => {
            json!({"ServerInfo": {"Id": id, "ServerName": name, "MaxPingTime": max_ping_time,
            "ProtocolVersionMajor": 4, "ProtocolVersionMinor": 0}})
        }
        SpecVersion::V0 => {
            json!({"ServerInfo": {"Id": id, "MajorVersion": 0, "MinorVersion": 0, "BuildVersion": 0,
            "MessageVersion": 0, "MaxPingTime": max_ping_time, "ServerName": name}})
        }
        v => {
            json!({"ServerInfo": {"Id": id, "MessageVersion": v.number(), "MaxPingTime": max_ping_time, "ServerName": name}})
        }
    }
}

/// Most messages one frame may hold. A frame with more gets one `Error` for the whole
/// frame and none of its messages runs: the work (and the reply) one frame can cause stays
/// bounded whatever its size. Real clients send one to a few messages a frame.
pub const MAX_MESSAGES_PER_FRAME: usize = 256;

/// One JSON value of a frame (an array of messages or a bare message object), parsed
/// without holding more than [`MAX_MESSAGES_PER_FRAME`] messages: parsing stops with
/// [`TOO_MANY`] at the first message beyond the bound.
struct Chunk {
    messages: Vec<Value>,
}

/// The parse error that means "over the bound" (serde's errors carry only text).
const TOO_MANY: &str = "plugwire: too many messages in one frame";

impl<'de> serde::Deserialize<'de> for Chunk {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Chunk, D::Error> {
        d.deserialize_any(ChunkVisitor)
    }
}

struct ChunkVisitor;

const NOT_A_FRAME: &str = "a frame must be a JSON array of message objects";

impl<'de> serde::de::Visitor<'de> for ChunkVisitor {
    type Value = Chunk;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(NOT_A_FRAME)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Chunk, A::Error> {
        let mut messages = Vec::new();
        while let Some(m) = seq.next_element::<Value>()? {
            if messages.len() == MAX_MESSAGES_PER_FRAME {
                // Stop reading here: the rest is never parsed into values.
                return Err(serde::de::Error::custom(TOO_MANY));
            }
            messages.push(m);
        }
        Ok(Chunk { messages })
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Chunk, A::Error> {
        use serde::Deserialize;
        let object = Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        Ok(Chunk {
            messages: vec![object],
        })
    }
}

fn too_many_messages() -> ButtplugError {
    ButtplugError::message(format!(
        "a frame holds at most {MAX_MESSAGES_PER_FRAME} messages; none of this frame's messages ran (send them in several frames)"
    ))
}

/// Splits a frame into its messages. A frame is a JSON array; several arrays back to back
/// and a bare object are accepted too, as some clients send them. At most
/// [`MAX_MESSAGES_PER_FRAME`] messages in all.
fn parse_frame(text: &str) -> Result<Vec<Value>, ButtplugError> {
    let mut messages = Vec::new();
    let stream = serde_json::Deserializer::from_str(text).into_iter::<Chunk>();
    for chunk in stream {
        match chunk {
            Ok(chunk) => {
                if messages.len() + chunk.messages.len() > MAX_MESSAGES_PER_FRAME {
                    return Err(too_many_messages());
                }
                messages.extend(chunk.messages);
            }
            Err(e) if e.is_data() && e.to_string().starts_with(TOO_MANY) => {
                return Err(too_many_messages());
            }
            Err(e) if e.is_data() => return Err(ButtplugError::message(NOT_A_FRAME)),
            Err(e) => {
                return Err(ButtplugError::message(format!(
                    "frame is not valid JSON: {e}"
                )));
            }
        }
    }
    if messages.is_empty() {
        return Err(ButtplugError::message("frame holds no messages"));
    }
    Ok(messages)
}

fn read_id(body: &Body) -> Result<u32, ButtplugError> {
    let id = u32_field(body, "Id")?;
    if id == 0 {
        return Err(ButtplugError::message(
            "message Id 0 is reserved for server events; client messages need an Id of 1 or more",
        ));
    }
    Ok(id)
}

/// Spec version from the first RequestServerInfo: `ProtocolVersionMajor` means v4 (or
/// what it names), `MessageVersion` 0-3, neither v0.
fn handshake_version(body: &Body) -> Result<SpecVersion, ButtplugError> {
    if let Some(major) = opt(body, "ProtocolVersionMajor") {
        let major = major
            .as_u64()
            .ok_or_else(|| ButtplugError::handshake("ProtocolVersionMajor is not a number"))?;
        return SpecVersion::from_number(major).ok_or_else(|| {
            ButtplugError::handshake(format!(
                "client spec version {major} is newer than this server's (4)"
            ))
        });
    }
    if let Some(v) = opt(body, "MessageVersion") {
        let v = v
            .as_u64()
            .ok_or_else(|| ButtplugError::handshake("MessageVersion is not a number"))?;
        return match SpecVersion::from_number(v) {
            Some(version) if version < SpecVersion::V4 => Ok(version),
            _ => Err(ButtplugError::handshake(format!(
                "MessageVersion {v} is not a known spec version (0-3); spec 4 clients send ProtocolVersionMajor"
            ))),
        };
    }
    Ok(SpecVersion::V0)
}

/// The error code a decode failure carries is already set; this is for tests.
pub fn error_code_of(value: &Value) -> Option<ErrorCode> {
    value
        .get("Error")?
        .get("ErrorCode")?
        .as_u64()
        .map(|c| ErrorCode::from_u8(c as u8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_of_oks_is_written_as_serde_writes_it() {
        let ids = [0, 1, 9, 10, 99, 100, 1000, 65_535, 999_999_999, u32::MAX];
        for id in ids {
            assert_eq!(reply_frame(&[Reply::Ok(id)]), frame(&[Reply::Ok(id)]));
        }
        let all: Vec<Reply> = ids.iter().map(|id| Reply::Ok(*id)).collect();
        assert_eq!(reply_frame(&all), frame(&all));
        assert_eq!(reply_frame(&[]), "[]");
        let mixed = [
            Reply::Ok(3),
            Reply::Json(json!({"Error": {"Id": 4, "ErrorCode": 3, "ErrorMessage": "x"}})),
        ];
        assert_eq!(reply_frame(&mixed), frame(&mixed));
    }
}
