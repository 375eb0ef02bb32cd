//! What the REST event streams (`GET /api/v1/events`, `GET /api/v1/devices/{index}/events`)
//! carry: one server-sent event per happening, its name in `event:` and a JSON object in
//! `data:`.

use plugwire::playback::StopReason;
use plugwire::spec::message::ServerEvent;
use serde_json::{Value, json};

use super::playback::reason_name;
use super::routes::device_json;

#[derive(Clone, Debug)]
pub enum RestEvent {
    DeviceAdded(Value),
    DeviceRemoved(u32),
    ScanningFinished,
    InputReading {
        device: u32,
        feature: u32,
        input: &'static str,
        value: i32,
    },
    /// An output was set through the REST API: the level asked for and the steps sent.
    Output {
        device: u32,
        feature: u32,
        output: &'static str,
        level: f64,
        steps: i32,
    },
    /// Devices were told to stop (`device` None: all of them).
    Stopped {
        device: Option<u32>,
    },
    SessionStarted,
    SessionEnded {
        reason: &'static str,
    },
    /// This many events were lost because a reader was slow.
    Dropped(u64),
    PlaybackStarted {
        id: u64,
        media_ms: f64,
    },
    /// Throttled to the playback's `position_every_ms` (1 s unless asked).
    PlaybackPosition {
        id: u64,
        media_ms: f64,
    },
    PlaybackTrackStopped {
        id: u64,
        device: u32,
        feature: u32,
        output: &'static str,
        reason: StopReason,
    },
    /// Every track reached its end.
    PlaybackEnded {
        id: u64,
    },
    /// Stopped before the end: asked to, its device stopped or went away, a write failed.
    PlaybackStopped {
        id: u64,
        reason: StopReason,
    },
}

impl RestEvent {
    pub fn from_server(event: &ServerEvent) -> Option<RestEvent> {
        Some(match event {
            ServerEvent::DeviceAdded(info) => RestEvent::DeviceAdded(device_json(info)),
            ServerEvent::DeviceRemoved(index) => RestEvent::DeviceRemoved(*index),
            ServerEvent::ScanningFinished => RestEvent::ScanningFinished,
            ServerEvent::InputReading {
                device,
                feature,
                input,
                value,
            } => RestEvent::InputReading {
                device: *device,
                feature: *feature,
                input: input.spec_name(),
                value: *value,
            },
            ServerEvent::PingTimeout => RestEvent::SessionEnded {
                reason: "ping timed out",
            },
            ServerEvent::EventsDropped(n) => RestEvent::Dropped(*n),
        })
    }

    /// The device the event is about, for per-device streams (`None`: not about one).
    pub fn device(&self) -> Option<u32> {
        match self {
            RestEvent::DeviceAdded(d) => d["index"].as_u64().map(|i| i as u32),
            RestEvent::DeviceRemoved(i) => Some(*i),
            RestEvent::InputReading { device, .. } | RestEvent::Output { device, .. } => {
                Some(*device)
            }
            RestEvent::Stopped { device } => *device,
            RestEvent::PlaybackTrackStopped { device, .. } => Some(*device),
            _ => None,
        }
    }

    /// `(event name, data)`.
    pub fn render(&self) -> (&'static str, Value) {
        match self {
            RestEvent::DeviceAdded(d) => ("device-added", d.clone()),
            RestEvent::DeviceRemoved(i) => ("device-removed", json!({"index": i})),
            RestEvent::ScanningFinished => ("scanning-finished", json!({})),
            RestEvent::InputReading {
                device,
                feature,
                input,
                value,
            } => (
                "input-reading",
                json!({"index": device, "feature": feature, "input": input, "value": value}),
            ),
            RestEvent::Output {
                device,
                feature,
                output,
                level,
                steps,
            } => (
                "output",
                json!({"index": device, "feature": feature, "output": output, "level": level, "steps": steps}),
            ),
            RestEvent::Stopped { device } => ("stopped", json!({"index": device})),
            RestEvent::SessionStarted => ("session-started", json!({})),
            RestEvent::SessionEnded { reason } => ("session-ended", json!({"reason": reason})),
            RestEvent::Dropped(n) => ("events-dropped", json!({"count": n})),
            RestEvent::PlaybackStarted { id, media_ms } => {
                ("playback-started", json!({"id": id, "media_ms": media_ms}))
            }
            RestEvent::PlaybackPosition { id, media_ms } => {
                ("playback-position", json!({"id": id, "media_ms": media_ms}))
            }
            RestEvent::PlaybackTrackStopped {
                id,
                device,
                feature,
                output,
                reason,
            } => {
                let (reason, message) = reason_name(reason);
                (
                    "playback-track-stopped",
                    json!({"id": id, "index": device, "feature": feature, "output": output, "reason": reason, "message": message}),
                )
            }
            RestEvent::PlaybackEnded { id } => ("playback-ended", json!({"id": id})),
            RestEvent::PlaybackStopped { id, reason } => {
                let (reason, message) = reason_name(reason);
                (
                    "playback-stopped",
                    json!({"id": id, "reason": reason, "message": message}),
                )
            }
        }
    }
}
