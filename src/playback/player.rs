//! The player: a timeline of tracks (a source on one device output each) driven by one
//! thread that wakes at each slot and writes through the device's playback path
//! ([`PlaybackDevice::write_claimed`]: the server's own device task, or a client's output
//! commands to its server), like any other command: coalesced by the device task, ordered
//! with stops, under the stop promise.
//!
//! Timer: one dedicated thread per player waits on a condition variable with a timeout
//! until the earliest slot of its tracks (or until a control call wakes it). On Linux
//! that is a futex wait on a high-resolution timer, which wakes within the timer slack
//! (50 µs by default) without spinning; tokio's timer rounds up to whole milliseconds and
//! shares its threads with every other task of the runtime. Between slots the thread
//! sleeps, so its cost is the work of a slot (see `cargo bench --bench playback`).
//!
//! Stop wins: the player claims each output it drives ([`PlaybackDevice::claim_output`]).
//! A stop of the device (its own, stop all, a session ending, a client gone, shutdown;
//! for a client's devices the stops that client sends, its disconnect, the connection
//! lost) releases the claim in the same step as it is submitted, so no playback write
//! reaches the device after it; the player is told and reports the track stopped. Client
//! commands to a claimed output are refused. When every track has ended the player
//! releases its claims and stops the speed-like outputs it drove (positions stay where
//! they are).

use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::clock::{Clock, ClockError, MediaClock, MonotonicClock};
use super::mapping::{Mapping, MappingError};
use super::source::Source;
use super::target::{PendingWrite, PlaybackDevice, PlaybackTarget};
use super::track::Schedule;
use crate::bounded_events::DroppingSender;
use crate::device::feature::{OutputLimits, OutputType};
use crate::device::{ClaimEnd, ClaimHolder, ClaimToken, DeviceError};
use crate::poison::lock;
use crate::spec::message::OutputCommand;

/// The time between slots for a device with a message gap of `gap_ms` (0: no gap): the gap
/// plus a margin of 10 % (at least 2 ms). The device task writes a batch only once the gap
/// since its last write has passed, so with slots exactly one gap apart a write delayed by
/// jitter would push every later write back by as much (the delays add up until values
/// are skipped); with the margin each slot absorbs that much of an earlier delay.
pub fn slot_for_gap(gap_ms: f64) -> f64 {
    if gap_ms > 0.0 {
        gap_ms + (gap_ms * 0.1).max(2.0)
    } else {
        0.0
    }
}

/// Most events waiting for the player's reader; beyond it they are dropped and counted.
pub const PLAYBACK_EVENT_LIMIT: usize = 256;

/// One source on one device output.
#[derive(Clone, Debug)]
pub struct TrackSpec {
    pub device: u32,
    pub feature: u32,
    pub output: OutputType,
    pub source: Source,
    pub mapping: Mapping,
    /// How early this device must be told (ms): its values are sampled this much ahead.
    pub latency_ms: f64,
}

/// How a player starts.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaybackOptions {
    /// Media time to start at (ms).
    pub start_ms: f64,
    pub rate: f64,
    /// Start paused.
    pub paused: bool,
    /// Added to every track's media time (ms): positive plays ahead.
    pub offset_ms: f64,
    /// Shortest time between two writes of a track (for devices without a gap).
    pub min_interval_ms: f64,
    /// Time between position events while playing (ms).
    pub position_every_ms: f64,
}

impl Default for PlaybackOptions {
    fn default() -> Self {
        PlaybackOptions {
            start_ms: 0.0,
            rate: 1.0,
            paused: false,
            offset_ms: 0.0,
            min_interval_ms: 10.0,
            position_every_ms: 250.0,
        }
    }
}

/// Why a track or the player stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// [`Playback::stop`] or the handle was dropped.
    Requested,
    /// A stop of the device: its own, stop all, a session ending, a client gone, shutdown.
    DeviceStopped,
    /// The device went away.
    DeviceRemoved,
    /// The device refused a write (the text says why).
    WriteFailed(String),
    /// A client's connection to its server was lost (the server stops its devices when
    /// the session ends).
    ConnectionLost,
}

/// What a player reports.
#[derive(Clone, Debug, PartialEq)]
pub enum PlaybackEvent {
    Started {
        media_ms: f64,
    },
    /// Throttled to [`PlaybackOptions::position_every_ms`].
    Position {
        media_ms: f64,
    },
    TrackStopped {
        device: u32,
        feature: u32,
        output: OutputType,
        reason: StopReason,
    },
    /// Every track reached the end of its source.
    Ended,
    /// The player stopped before the end; the reason of the last track to stop.
    Stopped {
        reason: StopReason,
    },
    /// The reader fell behind and this many events were dropped.
    EventsDropped(u64),
}

/// Why a player cannot start or take a request.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlaybackError {
    #[error("a playback needs at least one track")]
    NoTracks,
    #[error("track {track}: no device at index {device}")]
    NoDevice { track: usize, device: u32 },
    #[error("track {track}: {error}")]
    Device { track: usize, error: DeviceError },
    #[error("track {track}: {error}")]
    Mapping { track: usize, error: MappingError },
    #[error("track {track}: latency must be a finite number of ms, got {latency}")]
    Latency { track: usize, latency: f64 },
    #[error("{0}")]
    Clock(#[from] ClockError),
    #[error("{name} must be a finite number{rule}, got {value}")]
    Option {
        name: &'static str,
        rule: &'static str,
        value: f64,
    },
    #[error("the playback has ended")]
    Ended,
}

struct Track {
    device: Weak<dyn PlaybackDevice>,
    device_index: u32,
    token: ClaimToken,
    schedule: Schedule,
    ended: Option<StopReason>,
    last_write: Option<Arc<dyn PendingWrite>>,
    /// Player time before which the device's gap since its last write has not passed.
    not_before: f64,
}

impl Track {
    fn active(&self) -> bool {
        self.ended.is_none() && !self.schedule.finished
    }

    /// When the track next wants to write: its slot, or the end of the device's gap when
    /// that comes later.
    fn deadline(&self) -> f64 {
        self.schedule.next_due.max(self.not_before)
    }

    /// Whether the device's gap since the last write has passed at `now`. A late write
    /// moves the gap on; the player waits it out on its own timer instead of leaving the
    /// write to wait in the device task, whose millisecond timer overshoots by up to a
    /// millisecond and so recovers from a late slot at half the rate the slot margin
    /// allows.
    fn gap_passed(&mut self, now: f64) -> bool {
        let to_gap_end = self
            .device
            .upgrade()
            .and_then(|d| d.gap_end())
            .map(|end| end.saturating_duration_since(Instant::now()).as_secs_f64() * 1000.0);
        self.not_before = match to_gap_end {
            Some(ms) if ms > 0.0 => now + ms,
            _ => f64::NEG_INFINITY,
        };
        now >= self.not_before
    }
}

struct State {
    media: MediaClock,
    offset_ms: f64,
    tracks: Vec<Track>,
    claims_ended: Vec<(u32, u32, OutputType, ClaimEnd)>,
    /// The clock changed: every track writes at once from the new position.
    changed: bool,
    /// A control call is waiting to be seen.
    woken: bool,
    done: bool,
    next_position: f64,
    position_every_ms: f64,
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
    clock: Arc<MonotonicClock>,
    events: DroppingSender<PlaybackEvent>,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    fn notify(&self, mut state: MutexGuard<'_, State>) {
        state.woken = true;
        drop(state);
        self.wake.notify_one();
    }
}

impl ClaimHolder for Shared {
    fn claim_ended(&self, device: u32, feature: u32, output: OutputType, reason: ClaimEnd) {
        let mut state = self.state();
        state.claims_ended.push((device, feature, output, reason));
        self.notify(state);
    }
}

/// A running playback. Dropping it stops it (as [`Playback::stop`]).
pub struct Playback {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
    events: Mutex<Option<mpsc::Receiver<PlaybackEvent>>>,
}

fn check(
    name: &'static str,
    value: f64,
    rule: &'static str,
    ok: bool,
) -> Result<f64, PlaybackError> {
    if value.is_finite() && ok {
        Ok(value)
    } else {
        Err(PlaybackError::Option { name, rule, value })
    }
}

impl Playback {
    /// Claims every track's output and starts playing. Nothing is claimed if a track is
    /// refused. `devices` is where it writes: a server's `DeviceManager`, or a
    /// `ButtplugClient` (over any connector, a websocket included).
    pub fn start(
        devices: &dyn PlaybackTarget,
        tracks: Vec<TrackSpec>,
        options: PlaybackOptions,
    ) -> Result<Playback, PlaybackError> {
        if tracks.is_empty() {
            return Err(PlaybackError::NoTracks);
        }
        check("offset", options.offset_ms, "", true)?;
        let min_interval = check(
            "min_interval_ms",
            options.min_interval_ms,
            " within 1..=1000",
            (1.0..=1000.0).contains(&options.min_interval_ms),
        )?;
        let position_every = check(
            "position_every_ms",
            options.position_every_ms,
            " above 0",
            options.position_every_ms > 0.0,
        )?;
        let clock = Arc::new(MonotonicClock::default());
        let mut media = MediaClock::new();
        media.play(clock.now_ms(), options.start_ms, options.rate)?;
        if options.paused {
            media.pause(clock.now_ms());
        }
        let (events, rx) =
            DroppingSender::channel(PLAYBACK_EVENT_LIMIT, PlaybackEvent::EventsDropped);
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                media,
                offset_ms: options.offset_ms,
                tracks: Vec::new(),
                claims_ended: Vec::new(),
                changed: true,
                woken: false,
                done: false,
                next_position: f64::NEG_INFINITY,
                position_every_ms: position_every,
            }),
            wake: Condvar::new(),
            clock,
            events,
        });
        let holder: Weak<dyn ClaimHolder> =
            Arc::downgrade(&(shared.clone() as Arc<dyn ClaimHolder>));
        let mut built = Vec::new();
        let claimed = (|| {
            for (i, spec) in tracks.into_iter().enumerate() {
                spec.mapping
                    .check()
                    .map_err(|error| PlaybackError::Mapping { track: i, error })?;
                if !spec.latency_ms.is_finite() {
                    return Err(PlaybackError::Latency {
                        track: i,
                        latency: spec.latency_ms,
                    });
                }
                let device =
                    devices
                        .playback_device(spec.device)
                        .ok_or(PlaybackError::NoDevice {
                            track: i,
                            device: spec.device,
                        })?;
                // Claiming checks the feature and output.
                let token = device
                    .claim_output(spec.feature, spec.output, holder.clone())
                    .map_err(|error| PlaybackError::Device { track: i, error })?;
                let limits = device
                    .info()
                    .features
                    .iter()
                    .find(|f| f.index == spec.feature)
                    .and_then(|f| f.output(spec.output))
                    .cloned()
                    .unwrap_or_else(|| OutputLimits::new(0, 0));
                // The gap as the device's server says (a v4 DeviceList carries it).
                let gap = f64::from(device.info().message_gap_ms);
                let slot = slot_for_gap(gap);
                built.push(Track {
                    device: Arc::downgrade(&device),
                    device_index: spec.device,
                    token,
                    schedule: Schedule::new(
                        spec.output,
                        limits,
                        spec.source,
                        spec.mapping,
                        slot.max(min_interval),
                        spec.latency_ms,
                    ),
                    ended: None,
                    last_write: None,
                    not_before: f64::NEG_INFINITY,
                });
            }
            Ok(())
        })();
        if let Err(e) = claimed {
            for t in &built {
                if let Some(d) = t.device.upgrade() {
                    d.release_claim(&t.token);
                }
            }
            return Err(e);
        }
        shared.state().tracks = built;
        if !options.paused {
            shared.events.send(PlaybackEvent::Started {
                media_ms: options.start_ms,
            });
        }
        let runner = shared.clone();
        let thread = std::thread::Builder::new()
            .name("plugwire-playback".into())
            .spawn(move || run(runner))
            .map_err(|e| PlaybackError::Device {
                track: 0,
                error: DeviceError::Protocol(format!("cannot start the playback thread: {e}")),
            })?;
        Ok(Playback {
            shared,
            thread: Some(thread),
            events: Mutex::new(Some(rx)),
        })
    }

    /// The player's events; can be taken once.
    pub fn take_events(&self) -> Option<mpsc::Receiver<PlaybackEvent>> {
        lock(&self.events).take()
    }

    /// The media time now (ms).
    pub fn media_ms(&self) -> f64 {
        let now = self.shared.clock.now_ms();
        self.shared.state().media.media_at(now)
    }

    pub fn is_playing(&self) -> bool {
        let state = self.shared.state();
        !state.done && state.media.is_playing()
    }

    /// Whether the player has ended (every track ended or stopped, or [`Playback::stop`]).
    pub fn is_done(&self) -> bool {
        self.shared.state().done
    }

    fn control(
        &self,
        change: impl FnOnce(&mut MediaClock, f64) -> Result<(), ClockError>,
    ) -> Result<(), PlaybackError> {
        let mut state = self.shared.state();
        if state.done {
            return Err(PlaybackError::Ended);
        }
        let now = self.shared.clock.now_ms();
        change(&mut state.media, now)?;
        state.changed = true;
        self.shared.notify(state);
        Ok(())
    }

    pub fn pause(&self) -> Result<(), PlaybackError> {
        self.control(|c, now| {
            c.pause(now);
            Ok(())
        })
    }

    pub fn resume(&self) -> Result<(), PlaybackError> {
        self.control(|c, now| {
            c.resume(now);
            Ok(())
        })
    }

    /// Moves to media time `media_ms`; effective at the next slot of each track.
    pub fn seek(&self, media_ms: f64) -> Result<(), PlaybackError> {
        self.control(|c, now| c.seek(now, media_ms))
    }

    pub fn set_rate(&self, rate: f64) -> Result<(), PlaybackError> {
        self.control(|c, now| c.set_rate(now, rate))
    }

    /// An external player is at `media_ms` now: small errors are slewed away (see
    /// [`MediaClock::sync`]).
    pub fn sync(&self, media_ms: f64) -> Result<(), PlaybackError> {
        self.control(|c, now| c.sync(now, media_ms))
    }

    /// Sets the global offset (ms, positive plays ahead).
    pub fn set_offset(&self, offset_ms: f64) -> Result<(), PlaybackError> {
        check("offset", offset_ms, "", true)?;
        let mut state = self.shared.state();
        if state.done {
            return Err(PlaybackError::Ended);
        }
        state.offset_ms = offset_ms;
        state.changed = true;
        self.shared.notify(state);
        Ok(())
    }

    /// Sets the latency of every track on `device` (ms).
    pub fn set_latency(&self, device: u32, latency_ms: f64) -> Result<(), PlaybackError> {
        check("latency", latency_ms, "", true)?;
        let mut state = self.shared.state();
        for t in state.tracks.iter_mut().filter(|t| t.device_index == device) {
            t.schedule.latency_ms = latency_ms;
        }
        state.changed = true;
        self.shared.notify(state);
        Ok(())
    }

    /// Stops playing: releases every output and stops the speed-like ones (positions stay
    /// where they are). Idempotent.
    pub fn stop(&self) {
        finish(&self.shared, Some(StopReason::Requested));
    }
}

impl Drop for Playback {
    fn drop(&mut self) {
        self.stop();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Ends the player once: releases the claims of tracks still holding them, stops the
/// speed-like outputs it drove, and reports why. `reason` is `None` for a natural end.
fn finish(shared: &Shared, reason: Option<StopReason>) {
    // Devices upgraded under the lock are dropped after it: the last reference to a
    // device ends its claims, which tells this player (and takes its lock).
    let mut keep = Vec::new();
    let (stops, event) = {
        let mut state = shared.state();
        if state.done {
            return;
        }
        state.done = true;
        let mut stops: Vec<(Weak<dyn PlaybackDevice>, u32)> = Vec::new();
        for t in &state.tracks {
            let Some(d) = t.device.upgrade() else {
                continue;
            };
            if t.ended.is_some() {
                continue;
            }
            d.release_claim(&t.token);
            keep.push(d);
            if t.token.output.stops_at_zero()
                && !stops
                    .iter()
                    .any(|(w, f)| w.ptr_eq(&t.device) && *f == t.token.feature)
            {
                stops.push((t.device.clone(), t.token.feature));
            }
        }
        let event = match reason {
            None => PlaybackEvent::Ended,
            Some(reason) => PlaybackEvent::Stopped { reason },
        };
        shared.notify(state);
        (stops, event)
    };
    // Outside the player's lock: a stop tells claim holders, and this player may be one.
    for (device, feature) in stops {
        if let Some(d) = device.upgrade() {
            if let Err(e) = d.stop_feature(feature) {
                tracing::debug!("playback end: stopping feature {feature}: {e}");
            }
        }
    }
    shared.events.send(event);
    drop(keep);
}

fn reason_for(end: ClaimEnd) -> StopReason {
    match end {
        ClaimEnd::Stopped => StopReason::DeviceStopped,
        ClaimEnd::Removed => StopReason::DeviceRemoved,
        ClaimEnd::ConnectionLost => StopReason::ConnectionLost,
    }
}

/// Ends the tracks whose claims ended (a stop, the device gone, the connection lost) with
/// the reason each notice gives; returns them, to report once the lock is released.
fn take_claim_notices(state: &mut State) -> Vec<(u32, u32, OutputType, StopReason)> {
    let mut stopped = Vec::new();
    for (device, feature, output, end) in std::mem::take(&mut state.claims_ended) {
        if let Some(t) = state.tracks.iter_mut().find(|t| {
            t.ended.is_none()
                && t.device_index == device
                && t.token.feature == feature
                && t.token.output == output
        }) {
            t.ended = Some(reason_for(end));
            stopped.push((device, feature, output, reason_for(end)));
        }
    }
    stopped
}

/// One device's writes of a slot: the tracks and their values, written as one batch.
struct Batch {
    device: Weak<dyn PlaybackDevice>,
    tracks: Vec<usize>,
    values: Vec<(ClaimToken, OutputCommand)>,
}

fn run(shared: Arc<Shared>) {
    let mut state = shared.state();
    loop {
        if state.done {
            return;
        }
        let now = shared.clock.now_ms();
        let stopped = take_claim_notices(&mut state);
        if state.changed {
            state.changed = false;
            for t in &mut state.tracks {
                t.schedule.reset(now);
            }
        }
        let offset = state.offset_ms;
        let media = state.media.clone();
        let mut writes: Vec<Batch> = Vec::new();
        for (i, t) in state.tracks.iter_mut().enumerate() {
            if t.ended.is_some() {
                continue;
            }
            if let Some(Some(Err(e))) = t.last_write.as_ref().map(|w| w.result()) {
                tracing::debug!("playback write to device {} failed: {e}", t.device_index);
                t.schedule.forget_last();
                t.last_write = None;
            }
            if now >= t.schedule.next_due && !t.gap_passed(now) {
                continue;
            }
            if let Some(p) = t.schedule.plan(now, &media, offset) {
                match writes.iter_mut().find(|b| b.device.ptr_eq(&t.device)) {
                    Some(b) => {
                        b.tracks.push(i);
                        b.values.push((t.token, p.command));
                    }
                    None => writes.push(Batch {
                        device: t.device.clone(),
                        tracks: vec![i],
                        values: vec![(t.token, p.command)],
                    }),
                }
            }
        }
        let playing = media.is_playing();
        if playing && now >= state.next_position {
            let every = state.position_every_ms;
            state.next_position = now + every;
            shared.events.send(PlaybackEvent::Position {
                media_ms: media.media_at(now),
            });
        }
        drop(state);
        for (device, feature, output, reason) in stopped {
            shared.events.send(PlaybackEvent::TrackStopped {
                device,
                feature,
                output,
                reason,
            });
        }
        let mut failed = Vec::new();
        let mut sent = Vec::new();
        for batch in writes {
            let fail = |failed: &mut Vec<(usize, StopReason)>, reason: StopReason| {
                failed.extend(batch.tracks.iter().map(|i| (*i, reason.clone())));
            };
            match batch.device.upgrade() {
                None => fail(&mut failed, StopReason::DeviceRemoved),
                Some(d) => match d.write_claimed(&batch.values) {
                    Ok(pending) => sent.extend(batch.tracks.iter().map(|i| (*i, pending.clone()))),
                    // A stop released the claims; their notices are on the way.
                    Err(DeviceError::PlaybackEnded { .. }) => {}
                    Err(DeviceError::Removed) => fail(&mut failed, StopReason::DeviceRemoved),
                    Err(e) => fail(&mut failed, StopReason::WriteFailed(e.to_string())),
                },
            }
        }
        state = shared.state();
        for (i, pending) in sent {
            state.tracks[i].last_write = Some(pending);
        }
        // Notices that came during the writes go first: a client lets its devices go
        // after their claims ended (a disconnect, the connection lost), so a write that
        // found its device gone raced that notice, and the notice says why it went.
        let mut stopped = take_claim_notices(&mut state);
        let mut keep = Vec::new();
        for (i, reason) in failed {
            let t = &mut state.tracks[i];
            if t.ended.is_none() {
                if let Some(d) = t.device.upgrade() {
                    d.release_claim(&t.token);
                    keep.push(d);
                }
                t.ended = Some(reason.clone());
                stopped.push((t.device_index, t.token.feature, t.token.output, reason));
            }
        }
        if !stopped.is_empty() || !keep.is_empty() {
            drop(state);
            drop(keep);
            for (device, feature, output, reason) in stopped {
                shared.events.send(PlaybackEvent::TrackStopped {
                    device,
                    feature,
                    output,
                    reason,
                });
            }
            state = shared.state();
        }
        if state.done {
            return;
        }
        if !state.tracks.iter().any(Track::active) && state.claims_ended.is_empty() {
            // The last reason a track stopped, or a natural end.
            let reason = state.tracks.iter().rev().find_map(|t| t.ended.clone());
            drop(state);
            finish(&shared, reason);
            return;
        }
        let mut deadline = state
            .tracks
            .iter()
            .filter(|t| t.active())
            .map(Track::deadline)
            .fold(f64::INFINITY, f64::min);
        if state.media.is_playing() {
            // A position event rides on the next slot's wake-up when that comes within half
            // an event period (each wake-up costs more than a slot's work); the player wakes
            // for it alone only when no slot is that close.
            let ride = state.next_position + state.position_every_ms / 2.0;
            if deadline > ride {
                deadline = state.next_position;
            }
        }
        while !state.woken {
            let wait = deadline - shared.clock.now_ms();
            if wait <= 0.0 {
                break;
            }
            // A paused player with nothing due sleeps until a control call.
            let wait = Duration::from_secs_f64(wait.min(3_600_000.0) / 1000.0);
            state = shared
                .wake
                .wait_timeout(state, wait)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        state.woken = false;
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;
    use crate::device::feature::{DeviceFeature, OutputLimits};
    use crate::device::output_claims::{OutputClaims, tell};
    use crate::playback::pattern::{Pattern, Waveform};
    use crate::spec::message::DeviceInfo;

    /// A client's devices as far as a player sees them: the link holds the only strong
    /// references, and losing it ends every claim (connection lost) and then lets the
    /// devices go, in that order, as `ClientInner` does.
    #[derive(Default)]
    struct Link {
        devices: Mutex<Vec<Arc<Device>>>,
        lost: AtomicBool,
    }

    impl Link {
        fn lose(&self) {
            let devices = std::mem::take(&mut *lock(&self.devices));
            for d in &devices {
                let ended = d.claims.lock().end(None);
                tell(ended, d.info.index, ClaimEnd::ConnectionLost);
            }
        }
    }

    impl PlaybackTarget for Link {
        fn playback_device(&self, index: u32) -> Option<Arc<dyn PlaybackDevice>> {
            lock(&self.devices)
                .iter()
                .find(|d| d.info.index == index)
                .map(|d| d.clone() as Arc<dyn PlaybackDevice>)
        }

        fn device_infos(&self) -> Vec<DeviceInfo> {
            lock(&self.devices).iter().map(|d| d.info.clone()).collect()
        }
    }

    struct Written;

    impl PendingWrite for Written {
        fn result(&self) -> Option<Result<(), String>> {
            Some(Ok(()))
        }
    }

    /// A vibrator; the first write to device 0 loses the link.
    struct Device {
        info: DeviceInfo,
        claims: OutputClaims,
        link: Weak<Link>,
    }

    impl PlaybackDevice for Device {
        fn info(&self) -> &DeviceInfo {
            &self.info
        }

        fn claim_output(
            &self,
            feature: u32,
            output: OutputType,
            holder: Weak<dyn ClaimHolder>,
        ) -> Result<ClaimToken, DeviceError> {
            self.claims.claim(feature, output, holder)
        }

        fn release_claim(&self, token: &ClaimToken) {
            self.claims.release(token);
        }

        fn write_claimed(
            &self,
            batch: &[(ClaimToken, OutputCommand)],
        ) -> Result<Arc<dyn PendingWrite>, DeviceError> {
            let link = self.link.upgrade().ok_or(DeviceError::Removed)?;
            if self.info.index == 0 && !link.lost.swap(true, Ordering::AcqRel) {
                link.lose();
            }
            if !batch.iter().any(|(t, _)| self.claims.lock().holds(t)) {
                return Err(DeviceError::playback_ended(batch));
            }
            Ok(Arc::new(Written))
        }

        fn stop_feature(&self, _feature: u32) -> Result<(), DeviceError> {
            Ok(())
        }
    }

    fn vibrator_info(index: u32, message_gap_ms: u32) -> DeviceInfo {
        let limits = OutputLimits {
            value: (0, 20),
            duration: None,
            offset: 0,
            reverse: false,
            full_scale: 20,
        };
        let feature = DeviceFeature {
            index: 0,
            id: String::new(),
            description: "vibrator".into(),
            outputs: BTreeMap::from([(OutputType::Vibrate, limits)]),
            inputs: BTreeMap::new(),
        };
        DeviceInfo {
            index,
            name: format!("vibrator {index}"),
            display_name: None,
            message_gap_ms,
            features: Arc::new(vec![feature]),
        }
    }

    fn vibrator(index: u32, link: &Arc<Link>) -> Arc<Device> {
        Arc::new(Device {
            info: vibrator_info(index, 0),
            claims: OutputClaims::default(),
            link: Arc::downgrade(link),
        })
    }

    fn saw_track(device: u32) -> TrackSpec {
        TrackSpec {
            device,
            feature: 0,
            output: OutputType::Vibrate,
            source: Source::Pattern(
                Pattern::waveform(Waveform::Saw, 300.0)
                    .unwrap()
                    .looped(true),
            ),
            mapping: Mapping::default(),
            latency_ms: 0.0,
        }
    }

    /// A vibrator with a 20 ms gap whose last write (before the player started) was late:
    /// its gap ends at `gap_end`. Records when each write comes.
    struct LateDevice {
        info: DeviceInfo,
        claims: OutputClaims,
        gap_end: Instant,
        writes: Mutex<Vec<Instant>>,
    }

    impl PlaybackDevice for LateDevice {
        fn info(&self) -> &DeviceInfo {
            &self.info
        }

        fn claim_output(
            &self,
            feature: u32,
            output: OutputType,
            holder: Weak<dyn ClaimHolder>,
        ) -> Result<ClaimToken, DeviceError> {
            self.claims.claim(feature, output, holder)
        }

        fn release_claim(&self, token: &ClaimToken) {
            self.claims.release(token);
        }

        fn write_claimed(
            &self,
            _batch: &[(ClaimToken, OutputCommand)],
        ) -> Result<Arc<dyn PendingWrite>, DeviceError> {
            lock(&self.writes).push(Instant::now());
            Ok(Arc::new(Written))
        }

        fn stop_feature(&self, _feature: u32) -> Result<(), DeviceError> {
            Ok(())
        }

        fn gap_end(&self) -> Option<Instant> {
            // Its gap after the late write, then (as if each write came on time) none.
            let writes = lock(&self.writes);
            match writes.last() {
                None => Some(self.gap_end),
                Some(at) => Some(*at + Duration::from_millis(20)),
            }
        }
    }

    struct OneDevice(Arc<LateDevice>);

    impl PlaybackTarget for OneDevice {
        fn playback_device(&self, _index: u32) -> Option<Arc<dyn PlaybackDevice>> {
            Some(self.0.clone() as Arc<dyn PlaybackDevice>)
        }

        fn device_infos(&self) -> Vec<DeviceInfo> {
            vec![self.0.info.clone()]
        }
    }

    #[test]
    fn a_write_waits_for_the_devices_gap_on_the_players_timer() {
        // The device's gap ends 30 ms from now (its last write was late): the player's
        // first slot is due at once, but its write is held until the gap has passed, so
        // it never waits in the device task (whose timer is coarser). Later writes keep
        // the gap too.
        let device = Arc::new(LateDevice {
            info: vibrator_info(0, 20),
            claims: OutputClaims::default(),
            gap_end: Instant::now() + Duration::from_millis(30),
            writes: Mutex::new(Vec::new()),
        });
        let target = OneDevice(device.clone());
        let playback =
            Playback::start(&target, vec![saw_track(0)], PlaybackOptions::default()).unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        while lock(&device.writes).len() < 4 {
            assert!(Instant::now() < deadline, "the player did not write");
            std::thread::sleep(Duration::from_millis(5));
        }
        playback.stop();
        let writes = lock(&device.writes).clone();
        assert!(
            writes[0] >= device.gap_end,
            "written {:?} before the gap ended",
            device.gap_end - writes[0]
        );
        for pair in writes.windows(2) {
            assert!(
                pair[1] - pair[0] >= Duration::from_millis(20),
                "writes {:?} apart",
                pair[1] - pair[0]
            );
        }
    }

    #[test]
    fn a_link_lost_during_a_slot_ends_every_track_as_connection_lost() {
        // One slot writes device 0 and then device 1. Writing device 0 loses the link: the
        // claims of both end (connection lost), then device 1 is let go before the player
        // gets to it. Its track ends for the reason its claim's notice gives, not as if
        // the device alone had been removed.
        let link = Arc::new(Link::default());
        *lock(&link.devices) = vec![vibrator(0, &link), vibrator(1, &link)];
        let playback = Playback::start(
            link.as_ref(),
            vec![saw_track(0), saw_track(1)],
            PlaybackOptions::default(),
        )
        .unwrap();
        let mut events = playback.take_events().unwrap();
        let mut stops = Vec::new();
        loop {
            match events.blocking_recv().expect("the playback ends") {
                PlaybackEvent::TrackStopped { device, reason, .. } => stops.push((device, reason)),
                PlaybackEvent::Stopped { reason } => {
                    stops.sort_by_key(|(d, _)| *d);
                    assert_eq!(
                        stops,
                        [
                            (0, StopReason::ConnectionLost),
                            (1, StopReason::ConnectionLost)
                        ]
                    );
                    assert_eq!(reason, StopReason::ConnectionLost);
                    return;
                }
                PlaybackEvent::Ended => panic!("a looped saw ended"),
                _ => {}
            }
        }
    }
}
