//! Playback over REST: `POST /api/v1/playback` starts funscripts or patterns on the
//! server's devices, `GET /api/v1/playback` lists the running ones, `PUT
//! /api/v1/playback/{id}/...` controls one. Playbacks belong to the REST session: when it
//! ends (lease run out, `PUT /release`, shutdown) its devices stop, which ends their
//! playbacks through the output claims, and any left over are stopped.
//!
//! The body is JSON, read by hand so every error names its place (`tracks[0].pattern.
//! period_ms: ...`); the library's protobuf reader (src/ffi/playback.rs) reads a
//! different shape, so only the playback core is shared.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use plugwire::device::DeviceError;
use plugwire::device::feature::OutputType;
use plugwire::playback::assign::tracks_for;
use plugwire::playback::{
    Axis, Easing, Funscript, Interpolation, Keyframe, Mapping, Pattern, Playback, PlaybackError,
    PlaybackEvent, PlaybackOptions, Source, SpeedMode, StopReason, TrackSpec, Waveform,
};
use plugwire::server::{Ending, Session};
use plugwire::spec::error::ButtplugError;
use serde_json::{Map, Value, json};

use super::events::RestEvent;
use super::extract::Path;
use super::lease::RestClient;
use super::routes::{RestError, output_type};

type Rest<T> = Result<T, RestError>;
type App = State<Arc<RestClient>>;

/// Position events every this many ms unless the body asks otherwise: enough for a
/// progress bar, few enough for an event stream.
const POSITION_EVERY_MS: f64 = 1000.0;

struct Running {
    playback: Playback,
    session: Weak<Session>,
}

/// The REST client's running playbacks by id.
#[derive(Default)]
pub struct Playbacks {
    running: Mutex<BTreeMap<u64, Running>>,
    next_id: Mutex<u64>,
}

impl Playbacks {
    fn running(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Running>> {
        self.running.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// After `session` ended (its devices told to stop): waits a moment for its
    /// playbacks to see their outputs stopped and end, then stops any left over.
    pub async fn session_ended(&self, session: &Arc<Session>) {
        let ours = |r: &Running| {
            r.session
                .upgrade()
                .is_some_and(|s| Arc::ptr_eq(&s, session))
        };
        for _ in 0..50 {
            if !self.running().values().any(ours) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let left: Vec<Running> = {
            let mut running = self.running();
            let ids: Vec<u64> = running
                .iter()
                .filter(|(_, r)| ours(r))
                .map(|(id, _)| *id)
                .collect();
            ids.iter().filter_map(|id| running.remove(id)).collect()
        };
        for r in left {
            r.playback.stop();
        }
    }
}

/// Where a value is in the body, for error messages.
fn bad(place: &str, problem: impl std::fmt::Display) -> RestError {
    RestError::BadRequest(format!("{place}: {problem}"))
}

fn object<'a>(v: &'a Value, place: &str) -> Rest<&'a Map<String, Value>> {
    v.as_object()
        .ok_or_else(|| bad(place, format!("expected a JSON object, got {v}")))
}

/// Refuses fields the reader does not know (a typo must not pass silently).
fn known(o: &Map<String, Value>, place: &str, fields: &[&str]) -> Rest<()> {
    match o.keys().find(|k| !fields.contains(&k.as_str())) {
        Some(k) => Err(bad(
            &format!("{place}.{k}"),
            format!("unknown field; known fields are {}", fields.join(", ")),
        )),
        None => Ok(()),
    }
}

fn place_of(place: &str, key: &str) -> String {
    if place.is_empty() {
        key.to_string()
    } else {
        format!("{place}.{key}")
    }
}

fn float(o: &Map<String, Value>, key: &str, place: &str) -> Rest<Option<f64>> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_f64()
            .filter(|f| f.is_finite())
            .map(Some)
            .ok_or_else(|| bad(&place_of(place, key), format!("expected a number, got {v}"))),
    }
}

fn unsigned(o: &Map<String, Value>, key: &str, place: &str) -> Rest<Option<u64>> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_u64().map(Some).ok_or_else(|| {
            bad(
                &place_of(place, key),
                format!("expected a whole number of 0 or more, got {v}"),
            )
        }),
    }
}

fn index(o: &Map<String, Value>, key: &str, place: &str) -> Rest<Option<u32>> {
    unsigned(o, key, place)?
        .map(|n| u32::try_from(n).map_err(|_| bad(&place_of(place, key), "too large")))
        .transpose()
}

fn boolean(o: &Map<String, Value>, key: &str, place: &str) -> Rest<Option<bool>> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_bool().map(Some).ok_or_else(|| {
            bad(
                &place_of(place, key),
                format!("expected true or false, got {v}"),
            )
        }),
    }
}

fn text<'a>(o: &'a Map<String, Value>, key: &str, place: &str) -> Rest<Option<&'a str>> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_str()
            .map(Some)
            .ok_or_else(|| bad(&place_of(place, key), format!("expected a string, got {v}"))),
    }
}

/// One of `names` (case and `-`/`_` ignored), by position.
fn choice(o: &Map<String, Value>, key: &str, place: &str, names: &[&str]) -> Rest<Option<usize>> {
    let Some(given) = text(o, key, place)? else {
        return Ok(None);
    };
    let norm = |s: &str| s.to_ascii_lowercase().replace(['-', '_'], "");
    names
        .iter()
        .position(|n| norm(n) == norm(given))
        .map(Some)
        .ok_or_else(|| {
            bad(
                &place_of(place, key),
                format!("{given:?} is not one of {}", names.join(", ")),
            )
        })
}

/// A funscript given as a JSON object or as its text.
fn funscript(v: &Value, place: &str) -> Rest<Funscript> {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Object(_) => v.to_string(),
        _ => return Err(bad(place, "expected a funscript (an object or its text)")),
    };
    Funscript::parse(&text, place).map_err(|e| RestError::BadRequest(e.to_string()))
}

fn interpolation(o: &Map<String, Value>, place: &str) -> Rest<Interpolation> {
    Ok(
        match choice(o, "interpolation", place, &["linear", "pchip", "step"])? {
            Some(1) => Interpolation::Pchip,
            Some(2) => Interpolation::Step,
            _ => Interpolation::Linear,
        },
    )
}

fn pattern(v: &Value, place: &str) -> Rest<Pattern> {
    let o = object(v, place)?;
    known(
        o,
        place,
        &[
            "waveform",
            "period_ms",
            "duty",
            "seed",
            "step",
            "keyframes",
            "once",
            "amplitude",
            "time_scale",
        ],
    )?;
    let wrong = |e: plugwire::playback::PatternError| bad(place, e);
    let waveforms = [
        "sine",
        "square",
        "saw",
        "triangle",
        "pulse",
        "random-walk",
        "keyframes",
    ];
    let kind = match choice(o, "waveform", place, &waveforms)? {
        Some(k) => k,
        None if o.contains_key("keyframes") => 6,
        None => {
            return Err(bad(
                &place_of(place, "waveform"),
                format!("missing; one of {}", waveforms.join(", ")),
            ));
        }
    };
    let built = if kind == 6 {
        let list = o
            .get("keyframes")
            .and_then(Value::as_array)
            .ok_or_else(|| {
                bad(
                    &place_of(place, "keyframes"),
                    "expected a list of keyframes",
                )
            })?;
        let mut keyframes = Vec::with_capacity(list.len());
        for (i, k) in list.iter().enumerate() {
            let at = format!("{place}.keyframes[{i}]");
            let ko = object(k, &at)?;
            known(ko, &at, &["at_ms", "value", "easing"])?;
            let easing = match choice(
                ko,
                "easing",
                &at,
                &["linear", "ease-in", "ease-out", "ease-in-out", "hold"],
            )? {
                Some(1) => Easing::EaseIn,
                Some(2) => Easing::EaseOut,
                Some(3) => Easing::EaseInOut,
                Some(4) => Easing::Hold,
                _ => Easing::Linear,
            };
            keyframes.push(Keyframe {
                at_ms: float(ko, "at_ms", &at)?
                    .ok_or_else(|| bad(&format!("{at}.at_ms"), "missing"))?,
                value: float(ko, "value", &at)?
                    .ok_or_else(|| bad(&format!("{at}.value"), "missing"))?,
                easing,
            });
        }
        Pattern::keyframes(keyframes).map_err(wrong)?
    } else {
        let period = float(o, "period_ms", place)?
            .ok_or_else(|| bad(&place_of(place, "period_ms"), "missing"))?;
        let waveform = match kind {
            0 => Waveform::Sine,
            1 => Waveform::Square,
            2 => Waveform::Saw,
            3 => Waveform::Triangle,
            4 => Waveform::Pulse {
                duty: float(o, "duty", place)?.unwrap_or(0.5),
            },
            _ => Waveform::RandomWalk {
                seed: unsigned(o, "seed", place)?.unwrap_or(0),
                step: float(o, "step", place)?.unwrap_or(0.2),
            },
        };
        Pattern::waveform(waveform, period).map_err(wrong)?
    };
    let mut built = built.looped(!boolean(o, "once", place)?.unwrap_or(false));
    if let Some(a) = float(o, "amplitude", place)? {
        built = built.amplitude(a).map_err(wrong)?;
    }
    if let Some(t) = float(o, "time_scale", place)? {
        built = built.time_scale(t).map_err(wrong)?;
    }
    Ok(built)
}

fn track(c: &RestClient, v: &Value, place: &str) -> Rest<TrackSpec> {
    let o = object(v, place)?;
    known(
        o,
        place,
        &[
            "device",
            "feature",
            "output",
            "funscript",
            "axis",
            "interpolation",
            "pattern",
            "range",
            "invert",
            "scale",
            "speed_mode",
            "latency_ms",
        ],
    )?;
    let device = index(o, "device", place)?
        .ok_or_else(|| bad(&format!("{place}.device"), "missing (a device index)"))?;
    let info = c
        .server()
        .device_manager()
        .device(device)
        .map(|d| d.info().clone())
        .ok_or(RestError::NoDevice(device))?;
    let output = match text(o, "output", place)? {
        Some(name) => output_type(name).map_err(|e| bad(&format!("{place}.output"), e))?,
        None => OutputType::Vibrate,
    };
    let feature = match index(o, "feature", place)? {
        Some(f) => {
            if !info.features.iter().any(|x| x.index == f) {
                return Err(RestError::NoFeature(device, f));
            }
            f
        }
        None => info
            .features
            .iter()
            .find(|f| f.output(output).is_some())
            .map(|f| f.index)
            .ok_or_else(|| bad(place, format!("device {device} has no {output} output")))?,
    };
    let source = match (o.get("funscript"), o.get("pattern")) {
        (Some(f), None) => {
            let at = format!("{place}.funscript");
            let script = funscript(f, &at)?;
            let axis = match text(o, "axis", place)? {
                None => Axis::L0,
                Some(a) => Axis::from_name(a).ok_or_else(|| {
                    bad(
                        &format!("{place}.axis"),
                        format!("{a:?} is not a TCode axis"),
                    )
                })?,
            };
            let actions = script
                .axes
                .get(&axis)
                .ok_or_else(|| bad(&at, format!("the script has no {} axis", axis.name())))?;
            Source::script(actions, interpolation(o, place)?)
        }
        (None, Some(p)) => Source::Pattern(pattern(p, &format!("{place}.pattern"))?),
        _ => return Err(bad(place, "give exactly one of funscript or pattern")),
    };
    let (min, max) = match o.get("range") {
        None | Some(Value::Null) => (0.0, 1.0),
        Some(r) => match r.as_array().map(|a| a.as_slice()) {
            Some([a, b]) if a.as_f64().is_some() && b.as_f64().is_some() => {
                (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(1.0))
            }
            _ => {
                return Err(bad(
                    &format!("{place}.range"),
                    format!("expected [min, max], got {r}"),
                ));
            }
        },
    };
    let speed = match choice(o, "speed_mode", place, &["direct", "movement"])? {
        Some(1) => SpeedMode::Movement,
        _ => SpeedMode::Direct,
    };
    Ok(TrackSpec {
        device,
        feature,
        output,
        source,
        mapping: Mapping {
            min,
            max,
            invert: boolean(o, "invert", place)?.unwrap_or(false),
            scale: float(o, "scale", place)?.unwrap_or(1.0),
            speed,
        },
        latency_ms: float(o, "latency_ms", place)?.unwrap_or(0.0),
    })
}

/// The body of `POST /playback`: tracks and options.
fn start_request(c: &RestClient, body: &[u8]) -> Rest<(Vec<TrackSpec>, PlaybackOptions)> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| RestError::BadRequest(format!("body: not JSON: {e}")))?;
    let o = object(&v, "body")?;
    known(
        o,
        "body",
        &[
            "funscript",
            "interpolation",
            "tracks",
            "start_ms",
            "rate",
            "paused",
            "offset_ms",
            "min_interval_ms",
            "position_every_ms",
        ],
    )?;
    let tracks = match (o.get("funscript"), o.get("tracks")) {
        (Some(f), None) => {
            let script = funscript(f, "funscript")?;
            let tracks = tracks_for(
                &script,
                &c.server().device_manager().device_infos(),
                interpolation(o, "")?,
            );
            if tracks.is_empty() {
                return Err(RestError::BadRequest(
                    "funscript: no connected device has an output for the script's axes"
                        .to_string(),
                ));
            }
            tracks
        }
        (None, Some(Value::Array(list))) if !list.is_empty() => list
            .iter()
            .enumerate()
            .map(|(i, t)| track(c, t, &format!("tracks[{i}]")))
            .collect::<Rest<Vec<_>>>()?,
        (None, Some(_)) => {
            return Err(bad("tracks", "expected a non-empty list of tracks"));
        }
        _ => {
            return Err(RestError::BadRequest(
                "body: give exactly one of funscript (played on every output it has an axis for) or tracks"
                    .to_string(),
            ));
        }
    };
    let defaults = PlaybackOptions::default();
    let options = PlaybackOptions {
        start_ms: float(o, "start_ms", "")?.unwrap_or(defaults.start_ms),
        rate: float(o, "rate", "")?.unwrap_or(defaults.rate),
        paused: boolean(o, "paused", "")?.unwrap_or(false),
        offset_ms: float(o, "offset_ms", "")?.unwrap_or(defaults.offset_ms),
        min_interval_ms: float(o, "min_interval_ms", "")?.unwrap_or(defaults.min_interval_ms),
        position_every_ms: float(o, "position_every_ms", "")?.unwrap_or(POSITION_EVERY_MS),
    };
    Ok((tracks, options))
}

fn from_playback_error(e: PlaybackError) -> RestError {
    match e {
        PlaybackError::NoDevice { device, .. } => RestError::NoDevice(device),
        PlaybackError::Device {
            error: DeviceError::UnderPlayback { .. },
            ..
        } => RestError::Conflict(format!("{e}: stop that playback (or the device) first")),
        PlaybackError::Device { .. } => RestError::Buttplug(ButtplugError::device(e.to_string())),
        PlaybackError::Ended => RestError::Conflict(e.to_string()),
        PlaybackError::Mapping { track, error } => {
            RestError::BadRequest(format!("tracks[{track}]: {error}"))
        }
        PlaybackError::Latency { track, .. } => RestError::BadRequest(format!(
            "tracks[{track}].latency_ms: {}",
            e.to_string().split_once(": ").map_or("", |x| x.1)
        )),
        PlaybackError::NoTracks | PlaybackError::Clock(_) | PlaybackError::Option { .. } => {
            RestError::BadRequest(e.to_string())
        }
    }
}

pub fn reason_name(reason: &StopReason) -> (&'static str, Option<String>) {
    match reason {
        StopReason::Requested => ("requested", None),
        StopReason::DeviceStopped => ("device-stopped", None),
        StopReason::DeviceRemoved => ("device-removed", None),
        StopReason::WriteFailed(m) => ("write-failed", Some(m.clone())),
        // Not met here: the REST API plays in its own server.
        StopReason::ConnectionLost => ("connection-lost", None),
    }
}

fn event(id: u64, e: PlaybackEvent) -> Option<RestEvent> {
    Some(match e {
        PlaybackEvent::Started { media_ms } => RestEvent::PlaybackStarted { id, media_ms },
        PlaybackEvent::Position { media_ms } => RestEvent::PlaybackPosition { id, media_ms },
        PlaybackEvent::TrackStopped {
            device,
            feature,
            output,
            reason,
        } => RestEvent::PlaybackTrackStopped {
            id,
            device,
            feature,
            output: output.spec_name(),
            reason,
        },
        PlaybackEvent::Ended => RestEvent::PlaybackEnded { id },
        PlaybackEvent::Stopped { reason } => RestEvent::PlaybackStopped { id, reason },
        PlaybackEvent::EventsDropped(_) => return None,
    })
}

/// `POST /playback`: starts a playback; answers `{"id": N}`.
pub async fn start(State(c): App, body: Bytes) -> Rest<Json<Value>> {
    let session = c.session().await?;
    let (tracks, options) = start_request(&c, &body)?;
    let playback = Playback::start(c.server().device_manager(), tracks, options)
        .map_err(from_playback_error)?;
    let id = {
        let mut next = c
            .playbacks()
            .next_id
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        *next += 1;
        *next
    };
    let events = playback.take_events();
    c.playbacks().running().insert(
        id,
        Running {
            playback,
            session: Arc::downgrade(&session),
        },
    );
    if *session.ending().borrow() != Ending::Open {
        // The session ended while this one started: nobody would stop it.
        let orphan = c.playbacks().running().remove(&id);
        drop(orphan);
        return Err(RestError::Conflict(
            "the REST session ended while the playback started; start it again".to_string(),
        ));
    }
    if let Some(mut events) = events {
        let me = Arc::downgrade(&c);
        tokio::spawn(async move {
            while let Some(e) = events.recv().await {
                let last = matches!(e, PlaybackEvent::Ended | PlaybackEvent::Stopped { .. });
                let Some(me) = me.upgrade() else { return };
                if last {
                    // Over: the id is no longer known.
                    let over = me.playbacks().running().remove(&id);
                    drop(over);
                }
                if let Some(e) = event(id, e) {
                    me.publish(e);
                }
                if last {
                    return;
                }
            }
        });
    }
    Ok(Json(json!({"id": id})))
}

/// `GET /playback`: the running playbacks.
pub async fn list(State(c): App) -> Rest<Json<Value>> {
    c.session().await?;
    let running = c.playbacks().running();
    Ok(Json(Value::Array(
        running
            .iter()
            .map(|(id, r)| {
                json!({"id": id, "media_ms": r.playback.media_ms(), "playing": r.playback.is_playing()})
            })
            .collect(),
    )))
}

fn playback_id(given: &str) -> Rest<u64> {
    given.parse().map_err(|_| RestError::NotANumber {
        what: "playback id",
        given: given.to_string(),
    })
}

fn ms(what: &'static str, given: &str) -> Rest<f64> {
    given
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| RestError::NotANumber {
            what,
            given: given.to_string(),
        })
}

async fn control(
    c: &Arc<RestClient>,
    id: &str,
    act: impl FnOnce(&Playback) -> Result<(), PlaybackError>,
) -> Rest<()> {
    c.session().await?;
    let id = playback_id(id)?;
    let running = c.playbacks().running();
    let r = running.get(&id).ok_or(RestError::NoPlayback(id))?;
    act(&r.playback).map_err(|e| match e {
        PlaybackError::Ended => RestError::NoPlayback(id),
        e => from_playback_error(e),
    })
}

pub async fn pause(State(c): App, Path(id): Path<String>) -> Rest<()> {
    control(&c, &id, Playback::pause).await
}

pub async fn resume(State(c): App, Path(id): Path<String>) -> Rest<()> {
    control(&c, &id, Playback::resume).await
}

pub async fn stop(State(c): App, Path(id): Path<String>) -> Rest<()> {
    control(&c, &id, |p| {
        p.stop();
        Ok(())
    })
    .await
}

pub async fn seek(State(c): App, Path((id, at)): Path<(String, String)>) -> Rest<()> {
    let at = ms("seek time (ms)", &at)?;
    control(&c, &id, |p| p.seek(at)).await
}

pub async fn rate(State(c): App, Path((id, rate)): Path<(String, String)>) -> Rest<()> {
    let rate = ms("rate", &rate)?;
    control(&c, &id, |p| p.set_rate(rate)).await
}

pub async fn sync(State(c): App, Path((id, at)): Path<(String, String)>) -> Rest<()> {
    let at = ms("sync time (ms)", &at)?;
    control(&c, &id, |p| p.sync(at)).await
}

pub async fn offset(State(c): App, Path((id, offset)): Path<(String, String)>) -> Rest<()> {
    let offset = ms("offset (ms)", &offset)?;
    control(&c, &id, |p| p.set_offset(offset)).await
}
