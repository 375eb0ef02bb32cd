//! The fast path for well-formed spec v4 command frames: decoded straight from the text
//! into requests (serde derive, names borrowed from the frame), without building a
//! `serde_json::Value` of every message first.
//!
//! It only ever says yes or "not mine": a frame it does not take whole (anything unusual:
//! another message, an unknown or duplicate field, a `null`, a float where an integer
//! goes, an Id of 0, several arrays, an escaped name, more than
//! [`MAX_MESSAGES_PER_FRAME`] messages, a value out of range) goes to the general decoder
//! in [`super::frame`], which gives the precise error. So a frame decodes to the same
//! requests either way, and every error comes from one place.
//!
//! Public (and hidden) only so tests can compare it with the general decoder
//! (`tests/spec_fast_path.rs`).

mod compact;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use smallvec::SmallVec;

use super::frame::{MAX_MESSAGES_PER_FRAME, Plan, ReplyPlan};
use super::message::{OutputCommand, Request};
use crate::device::feature::OutputType;

/// A v4 frame of the messages this path knows, as `(Id, Plan)` per message in order;
/// `None` for anything else (decode it with the general decoder then).
pub fn decode_v4_frame(text: &str) -> Option<Messages> {
    if let Some(only) = compact::single_output(text) {
        return Some(smallvec::smallvec![only]);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let Frame(messages) = Frame::deserialize(&mut de).ok()?;
    de.end().ok()?;
    if messages.is_empty() {
        return None;
    }
    Some(messages)
}

/// A frame's messages as `(Id, Plan)`: nearly always one, kept without an allocation.
pub type Messages = SmallVec<[(u32, Plan); 1]>;

/// The frame's messages, each made a plan as soon as it is read (one list per frame).
struct Frame(Messages);

impl<'de> Deserialize<'de> for Frame {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(FrameVisitor)
    }
}

struct FrameVisitor;

impl<'de> Visitor<'de> for FrameVisitor {
    type Value = Frame;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of spec v4 command messages")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Frame, A::Error> {
        let mut messages = Messages::with_capacity(seq.size_hint().unwrap_or(1).min(8));
        while let Some(m) = seq.next_element::<Message<'de>>()? {
            if messages.len() == MAX_MESSAGES_PER_FRAME {
                // Over the bound: the general decoder says so.
                return Err(de::Error::custom("too many messages"));
            }
            // Not one the general decoder would take as it is: it says why.
            let plan = m
                .into_plan()
                .ok_or_else(|| de::Error::custom("not for the fast path"))?;
            messages.push(plan);
        }
        Ok(Frame(messages))
    }
}

#[derive(Deserialize)]
enum Message<'a> {
    #[serde(borrow)]
    OutputCmd(Obj<OutputCmd<'a>>),
    StopCmd(Obj<StopCmd>),
    Ping(Obj<IdOnly>),
}

/// A `T` written as a JSON object, and only so: a derived struct would also take an array
/// of its fields in order, which the general decoder refuses.
struct Obj<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ObjVisitor(std::marker::PhantomData))
    }
}

struct ObjVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjVisitor<T> {
    type Value = Obj<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Obj<T>, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Obj)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IdOnly {
    #[serde(rename = "Id")]
    id: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutputCmd<'a> {
    #[serde(rename = "Id")]
    id: u32,
    #[serde(rename = "DeviceIndex")]
    device: u32,
    #[serde(rename = "FeatureIndex")]
    feature: u32,
    #[serde(rename = "Command", borrow)]
    command: Command<'a>,
}

/// `{"<output type>": {"Value": v, "Duration": ms}}`: exactly one entry.
struct Command<'a> {
    kind: &'a str,
    params: Params,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    #[serde(rename = "Value")]
    value: i32,
    #[serde(rename = "Duration", default)]
    duration: Option<u32>,
}

impl<'de: 'a, 'a> Deserialize<'de> for Command<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(CommandVisitor(std::marker::PhantomData))
    }
}

struct CommandVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for CommandVisitor<'a> {
    type Value = Command<'a>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object with one output type")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Command<'a>, A::Error> {
        let Some(kind) = map.next_key::<&'a str>()? else {
            return Err(de::Error::custom("no output type"));
        };
        let Obj(params) = map.next_value::<Obj<Params>>()?;
        if map.next_key::<de::IgnoredAny>()?.is_some() {
            return Err(de::Error::custom("more than one output type"));
        }
        Ok(Command { kind, params })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StopCmd {
    #[serde(rename = "Id")]
    id: u32,
    #[serde(rename = "DeviceIndex", default)]
    device: Option<u32>,
    #[serde(rename = "FeatureIndex", default)]
    feature: Option<u32>,
    #[serde(rename = "Inputs", default)]
    inputs: Option<bool>,
    #[serde(rename = "Outputs", default)]
    outputs: Option<bool>,
}

fn ok_plan(request: Request) -> Plan {
    Plan {
        requests: smallvec::smallvec![request],
        reply: ReplyPlan::Ok,
    }
}

impl Message<'_> {
    /// The message as the general decoder reads it; `None` where that one would refuse
    /// it (so it can say why).
    fn into_plan(self) -> Option<(u32, Plan)> {
        let (id, plan) = match self {
            Message::Ping(Obj(IdOnly { id })) => (id, ok_plan(Request::Ping)),
            Message::OutputCmd(Obj(OutputCmd {
                id,
                device,
                feature,
                command: Command { kind, params },
            })) => {
                let output = super::v4::output_type(kind)?;
                let duration = if output == OutputType::HwPositionWithDuration {
                    Some(params.duration?)
                } else {
                    None
                };
                let command = OutputCommand {
                    output,
                    value: params.value,
                    duration,
                };
                (
                    id,
                    ok_plan(Request::Output {
                        device,
                        feature,
                        command,
                    }),
                )
            }
            Message::StopCmd(Obj(StopCmd {
                id,
                device,
                feature,
                inputs,
                outputs,
            })) => {
                if feature.is_some() && device.is_none() {
                    return None;
                }
                let stop = Request::Stop {
                    device,
                    feature,
                    inputs: inputs.unwrap_or(true),
                    outputs: outputs.unwrap_or(true),
                };
                (id, ok_plan(stop))
            }
        };
        // Id 0 is the server's; the general decoder explains.
        (id != 0).then_some((id, plan))
    }
}
