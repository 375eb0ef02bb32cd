//! Playback over the ABI: `PlaybackStart` and `PlaybackControl` requests, `PlaybackEvent`
//! events. Playbacks live as long as the connection (or until they end). With an embedded
//! server they write to its devices directly; over a websocket the same player writes
//! through the client's connection as output commands (see `crate::client`'s playback).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, Weak};

use prost::Message;

use super::client_handle::{ClientCore, Connection};
use super::requests::{error, output_from_pb, output_to_pb};
use crate::device::DeviceError;
use crate::playback::assign::tracks_for;
use crate::playback::{
    Axis, Easing, Funscript, Interpolation, Keyframe, Mapping, Pattern, Playback, PlaybackError,
    PlaybackEvent, PlaybackOptions, PlaybackTarget, Source, SpeedMode, StopReason, TrackSpec,
    Waveform,
};
use crate::poison::lock;
use crate::proto as pb;

type Reply = pb::reply::Kind;

/// A connection's running playbacks by id.
#[derive(Default)]
pub(crate) struct Playbacks {
    running: Mutex<BTreeMap<u64, Playback>>,
    next_id: Mutex<u64>,
}

fn invalid(message: impl Into<String>) -> Reply {
    error(
        pb::ErrorCode::PlaybackInvalid,
        pb::ErrorCategory::Request,
        message,
    )
}

fn from_playback_error(e: PlaybackError) -> Reply {
    use pb::{ErrorCategory as C, ErrorCode as E};
    let (code, category) = match &e {
        PlaybackError::NoDevice { .. } => (E::UnknownDevice, C::Request),
        PlaybackError::Device {
            error: DeviceError::UnderPlayback { .. },
            ..
        } => (E::PlaybackBusy, C::Device),
        PlaybackError::Device { .. } => (E::ServerDevice, C::Device),
        PlaybackError::Ended => (E::PlaybackUnknown, C::Request),
        _ => (E::PlaybackInvalid, C::Request),
    };
    error(code, category, e.to_string())
}

fn or_one(v: f64) -> f64 {
    if v == 0.0 { 1.0 } else { v }
}

fn interpolation(v: i32) -> Result<Interpolation, Reply> {
    match pb::PlaybackInterpolation::try_from(v) {
        Ok(pb::PlaybackInterpolation::Linear) => Ok(Interpolation::Linear),
        Ok(pb::PlaybackInterpolation::Pchip) => Ok(Interpolation::Pchip),
        Ok(pb::PlaybackInterpolation::Step) => Ok(Interpolation::Step),
        Err(_) => Err(invalid(format!("interpolation {v} is unknown"))),
    }
}

fn pattern(p: &pb::PlaybackPattern, place: &str) -> Result<Pattern, Reply> {
    let bad = |e: crate::playback::PatternError| invalid(format!("{place}: {e}"));
    let wave = |w| Pattern::waveform(w, p.period_ms).map_err(bad);
    let built = match pb::PlaybackWaveform::try_from(p.waveform) {
        Ok(pb::PlaybackWaveform::Sine) => wave(Waveform::Sine)?,
        Ok(pb::PlaybackWaveform::Square) => wave(Waveform::Square)?,
        Ok(pb::PlaybackWaveform::Saw) => wave(Waveform::Saw)?,
        Ok(pb::PlaybackWaveform::Triangle) => wave(Waveform::Triangle)?,
        Ok(pb::PlaybackWaveform::Pulse) => wave(Waveform::Pulse { duty: p.duty })?,
        Ok(pb::PlaybackWaveform::RandomWalk) => wave(Waveform::RandomWalk {
            seed: p.seed,
            step: p.step,
        })?,
        Ok(pb::PlaybackWaveform::Keyframes) => {
            let mut keyframes = Vec::with_capacity(p.keyframes.len());
            for k in &p.keyframes {
                let easing = match pb::PlaybackEasing::try_from(k.easing) {
                    Ok(pb::PlaybackEasing::Linear) => Easing::Linear,
                    Ok(pb::PlaybackEasing::EaseIn) => Easing::EaseIn,
                    Ok(pb::PlaybackEasing::EaseOut) => Easing::EaseOut,
                    Ok(pb::PlaybackEasing::EaseInOut) => Easing::EaseInOut,
                    Ok(pb::PlaybackEasing::Hold) => Easing::Hold,
                    Err(_) => {
                        return Err(invalid(format!("{place}: easing {} is unknown", k.easing)));
                    }
                };
                keyframes.push(Keyframe {
                    at_ms: k.at_ms,
                    value: k.value,
                    easing,
                });
            }
            Pattern::keyframes(keyframes).map_err(bad)?
        }
        Ok(pb::PlaybackWaveform::Unspecified) | Err(_) => {
            return Err(invalid(format!(
                "{place}: waveform {} is unknown",
                p.waveform
            )));
        }
    };
    built
        .looped(!p.once)
        .amplitude(or_one(p.amplitude))
        .and_then(|b| b.time_scale(or_one(p.time_scale)))
        .map_err(bad)
}

fn track(t: &pb::PlaybackTrack, i: usize) -> Result<TrackSpec, Reply> {
    let place = format!("tracks[{i}]");
    let output = output_from_pb(t.output).ok_or_else(|| {
        invalid(format!(
            "{place}.output: {} is not an output type",
            t.output
        ))
    })?;
    let source = match &t.source {
        Some(pb::playback_track::Source::Funscript(f)) => {
            let script = Funscript::parse(&f.json, &format!("{place}.funscript"))
                .map_err(|e| invalid(e.to_string()))?;
            let axis = if f.axis.is_empty() {
                Axis::L0
            } else {
                Axis::from_name(&f.axis).ok_or_else(|| {
                    invalid(format!(
                        "{place}.funscript.axis: {:?} is not a TCode axis",
                        f.axis
                    ))
                })?
            };
            let actions = script.axes.get(&axis).ok_or_else(|| {
                invalid(format!(
                    "{place}.funscript: the script has no {} axis",
                    axis.name()
                ))
            })?;
            Source::script(actions, interpolation(f.interpolation)?)
        }
        Some(pb::playback_track::Source::Pattern(p)) => {
            Source::Pattern(pattern(p, &format!("{place}.pattern"))?)
        }
        None => {
            return Err(invalid(format!(
                "{place}: no source (funscript or pattern)"
            )));
        }
    };
    let (min, max) = if t.range_min == 0.0 && t.range_max == 0.0 {
        (0.0, 1.0)
    } else {
        (t.range_min, t.range_max)
    };
    let speed = match pb::PlaybackSpeedMode::try_from(t.speed_mode) {
        Ok(pb::PlaybackSpeedMode::Direct) => SpeedMode::Direct,
        Ok(pb::PlaybackSpeedMode::Movement) => SpeedMode::Movement,
        Err(_) => {
            return Err(invalid(format!(
                "{place}.speed_mode: {} is unknown",
                t.speed_mode
            )));
        }
    };
    Ok(TrackSpec {
        device: t.device_index,
        feature: t.feature_index,
        output,
        source,
        mapping: Mapping {
            min,
            max,
            invert: t.invert,
            scale: or_one(t.scale),
            speed,
        },
        latency_ms: t.latency_ms,
    })
}

/// Starts a playback; its events go to the client's event stream.
pub(crate) fn start(core: &Arc<ClientCore>, conn: &Arc<Connection>, s: pb::PlaybackStart) -> Reply {
    // Where it plays: the embedded server's devices, or the remote server's through the
    // client.
    let target: &dyn PlaybackTarget = match &conn.server {
        Some(server) => server.device_manager(),
        None => &conn.client,
    };
    if !conn.client.is_connected() {
        return error(
            pb::ErrorCode::NotConnected,
            pb::ErrorCategory::Connection,
            "not connected",
        );
    }
    let tracks = if s.tracks.is_empty() && !s.funscript_json.is_empty() {
        let script = match Funscript::parse(&s.funscript_json, "funscript_json") {
            Ok(script) => script,
            Err(e) => return invalid(e.to_string()),
        };
        let interpolation = match interpolation(s.interpolation) {
            Ok(i) => i,
            Err(reply) => return reply,
        };
        tracks_for(&script, &target.device_infos(), interpolation)
    } else {
        match s
            .tracks
            .iter()
            .enumerate()
            .map(|(i, t)| track(t, i))
            .collect()
        {
            Ok(tracks) => tracks,
            Err(reply) => return reply,
        }
    };
    let defaults = PlaybackOptions::default();
    let options = PlaybackOptions {
        start_ms: s.start_ms,
        rate: or_one(s.rate),
        paused: s.paused,
        offset_ms: s.offset_ms,
        min_interval_ms: if s.min_interval_ms == 0.0 {
            defaults.min_interval_ms
        } else {
            s.min_interval_ms
        },
        position_every_ms: if s.position_every_ms == 0.0 {
            defaults.position_every_ms
        } else {
            s.position_every_ms
        },
    };
    let playback = match Playback::start(target, tracks, options) {
        Ok(p) => p,
        Err(e) => return from_playback_error(e),
    };
    let Some(handle) = core.handle() else {
        return error(
            pb::ErrorCode::NotConnected,
            pb::ErrorCategory::Connection,
            "the library is shutting down",
        );
    };
    let id = {
        let mut next = lock(&conn.playbacks.next_id);
        *next += 1;
        *next
    };
    let events = playback.take_events();
    lock(&conn.playbacks.running).insert(id, playback);
    if let Some(mut events) = events {
        let core = Arc::downgrade(core);
        let conn: Weak<Connection> = Arc::downgrade(conn);
        handle.spawn(async move {
            while let Some(e) = events.recv().await {
                let last = matches!(e, PlaybackEvent::Ended | PlaybackEvent::Stopped { .. });
                if let Some(event) = event_to_pb(id, e) {
                    let Some(core) = core.upgrade() else { break };
                    core.event(event.encode_to_vec());
                }
                if last {
                    break;
                }
            }
            // Over: the id is no longer known.
            let ended = conn
                .upgrade()
                .and_then(|c| lock(&c.playbacks.running).remove(&id));
            drop(ended);
        });
    }
    Reply::PlaybackStarted(pb::PlaybackStarted { playback_id: id })
}

/// Carries out a control request on a running playback.
pub(crate) fn control(conn: &Connection, c: pb::PlaybackControl) -> Reply {
    use pb::playback_control::Action as A;
    let running = lock(&conn.playbacks.running);
    let Some(playback) = running.get(&c.playback_id) else {
        return error(
            pb::ErrorCode::PlaybackUnknown,
            pb::ErrorCategory::Request,
            format!("no playback {} (never started, or ended)", c.playback_id),
        );
    };
    let result = match c.action {
        None => return invalid("playback_control: no action"),
        Some(A::Pause(_)) => playback.pause(),
        Some(A::Resume(_)) => playback.resume(),
        Some(A::SeekMs(ms)) => playback.seek(ms),
        Some(A::Rate(rate)) => playback.set_rate(rate),
        Some(A::SyncMs(ms)) => playback.sync(ms),
        Some(A::OffsetMs(ms)) => playback.set_offset(ms),
        Some(A::Latency(l)) => playback.set_latency(l.device_index, l.latency_ms),
        Some(A::Stop(_)) => {
            playback.stop();
            Ok(())
        }
    };
    match result {
        Ok(()) => Reply::Ok(pb::Ok {}),
        Err(e) => from_playback_error(e),
    }
}

/// The message of a playback stopped because the connection to the server was lost.
pub const CONNECTION_LOST: &str =
    "the connection to the server was lost; the server stops the device when the session ends";

fn reason_to_pb(reason: &StopReason) -> (pb::PlaybackStopReason, String) {
    match reason {
        StopReason::Requested => (pb::PlaybackStopReason::Requested, String::new()),
        StopReason::DeviceStopped => (pb::PlaybackStopReason::DeviceStopped, String::new()),
        StopReason::DeviceRemoved => (pb::PlaybackStopReason::DeviceRemoved, String::new()),
        StopReason::WriteFailed(m) => (pb::PlaybackStopReason::WriteFailed, m.clone()),
        // The server ends the session and stops the device: a stop of the device, with
        // the cause in the message.
        StopReason::ConnectionLost => (
            pb::PlaybackStopReason::DeviceStopped,
            CONNECTION_LOST.to_string(),
        ),
    }
}

fn event_to_pb(id: u64, e: PlaybackEvent) -> Option<pb::Event> {
    use pb::playback_event::Kind as K;
    let kind = match e {
        PlaybackEvent::Started { media_ms } => K::StartedMs(media_ms),
        PlaybackEvent::Position { media_ms } => K::PositionMs(media_ms),
        PlaybackEvent::TrackStopped {
            device,
            feature,
            output,
            reason,
        } => {
            let (reason, message) = reason_to_pb(&reason);
            K::TrackStopped(pb::PlaybackTrackStopped {
                device_index: device,
                feature_index: feature,
                output: output_to_pb(output) as i32,
                reason: reason as i32,
                message,
            })
        }
        PlaybackEvent::Ended => K::Ended(pb::PlaybackEnded {}),
        PlaybackEvent::Stopped { reason } => {
            let (reason, message) = reason_to_pb(&reason);
            K::Stopped(pb::PlaybackStopped {
                reason: reason as i32,
                message,
            })
        }
        // The forwarder drains the player's events at once into the client's own event
        // queue (which reports its drops), so these are rare; nothing to add.
        PlaybackEvent::EventsDropped(_) => return None,
    };
    Some(pb::Event {
        kind: Some(pb::event::Kind::Playback(pb::PlaybackEvent {
            playback_id: id,
            kind: Some(kind),
        })),
    })
}
