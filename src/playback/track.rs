//! One track's schedule: what to write to its output, and when, given the media clock.
//! Pure (no threads, no devices), so tests run it on a simulated clock.

use super::clock::MediaClock;
use super::mapping::{Mapping, OutputMode, movement_speed};
use super::source::Source;
use crate::device::feature::{OutputLimits, OutputType};
use crate::spec::message::OutputCommand;

/// A write a track wants now.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Planned {
    pub command: OutputCommand,
    /// The media time whose value this is (slot time plus latency and offset).
    pub media_ms: f64,
}

/// Where a track stands.
#[derive(Clone, Debug)]
pub struct Schedule {
    pub output: OutputType,
    pub limits: OutputLimits,
    pub source: Source,
    pub mapping: Mapping,
    pub mode: OutputMode,
    /// Time between slots (wall ms): the device's gap, or the player's shortest interval.
    pub interval_ms: f64,
    /// How early the device must be told (ms); added to the media time sampled.
    pub latency_ms: f64,
    /// Wall time of the next slot.
    pub next_due: f64,
    last_step: Option<i32>,
    /// The keyframe a timed output was last sent towards.
    last_target: Option<f64>,
    /// Set once the source has ended and its last value was written.
    pub finished: bool,
}

/// Shortest wait between two checks of a timed output whose keyframe time was estimated
/// slightly early (the clock is slewing).
const RECHECK_MS: f64 = 0.25;

impl Schedule {
    pub fn new(
        output: OutputType,
        limits: OutputLimits,
        source: Source,
        mapping: Mapping,
        interval_ms: f64,
        latency_ms: f64,
    ) -> Schedule {
        Schedule {
            mode: OutputMode::for_output(output, mapping.speed),
            output,
            limits,
            source,
            mapping,
            interval_ms: interval_ms.max(1.0),
            latency_ms,
            next_due: f64::NEG_INFINITY,
            last_step: None,
            last_target: None,
            finished: false,
        }
    }

    /// The clock jumped (play, seek, rate, sync): write at once from the new position.
    pub fn reset(&mut self, now: f64) {
        self.next_due = now;
        self.last_target = None;
        self.finished = false;
    }

    /// What to write at wall time `now` (if the slot is due) and when to look again.
    /// `offset_ms` is the player's global offset.
    pub fn plan(&mut self, now: f64, clock: &MediaClock, offset_ms: f64) -> Option<Planned> {
        if self.finished || now < self.next_due {
            return None;
        }
        let media = clock.media_at(now) + self.latency_ms + offset_ms;
        if !clock.is_playing() {
            self.next_due = f64::INFINITY;
            // Paused: positions hold; speed-like outputs rest at their zero.
            return match self.mode {
                OutputMode::Timed => None,
                OutputMode::Sampled if !self.output.stops_at_zero() => None,
                _ => self.step_command(0, None, media),
            };
        }
        let ended = self.source.end_ms().is_some_and(|end| media >= end);
        let planned = match self.mode {
            OutputMode::Timed => self.plan_timed(now, clock, media, offset_ms),
            OutputMode::Sampled | OutputMode::Movement => {
                self.next_due = next_slot(self.next_due, now, self.interval_ms);
                let raw = if self.mode == OutputMode::Movement {
                    if ended {
                        0.0
                    } else {
                        movement_speed(self.source.movement(media, self.interval_ms))
                    }
                } else {
                    self.source.value_at(media)
                };
                let step = self.mapping.to_step(self.mapping.apply(raw), &self.limits);
                self.step_command(step, None, media)
            }
        };
        if ended {
            self.finished = true;
        }
        planned
    }

    fn plan_timed(
        &mut self,
        now: f64,
        clock: &MediaClock,
        media: f64,
        offset_ms: f64,
    ) -> Option<Planned> {
        let Some((at, value)) = self.source.next_point(media) else {
            self.next_due = f64::INFINITY;
            return None;
        };
        // Look again when this keyframe is reached (less the latency): then the next one
        // is sent.
        let due = clock
            .wall_at(at - self.latency_ms - offset_ms)
            .unwrap_or(f64::INFINITY);
        self.next_due = if due <= now { now + RECHECK_MS } else { due };
        if self.last_target == Some(at) {
            return None;
        }
        self.last_target = Some(at);
        let duration = ((at - media) / clock.rate()).round().max(1.0);
        let duration = match self.limits.duration {
            Some((lo, hi)) => duration.clamp(f64::from(lo), f64::from(hi)),
            None => duration,
        } as u32;
        let step = self
            .mapping
            .to_step(self.mapping.apply(value), &self.limits);
        // A timed move is written even when the step repeats: its duration is news.
        self.last_step = None;
        self.step_command(step, Some(duration), media)
    }

    fn step_command(&mut self, step: i32, duration: Option<u32>, media: f64) -> Option<Planned> {
        if self.last_step == Some(step) {
            return None;
        }
        self.last_step = Some(step);
        Some(Planned {
            command: OutputCommand {
                output: self.output,
                value: step,
                duration,
            },
            media_ms: media,
        })
    }

    /// The track no longer knows what the output has (a write failed, or something else
    /// wrote): the next slot writes whatever it computes.
    pub fn forget_last(&mut self) {
        self.last_step = None;
    }
}

/// The first slot of the grid `due + k * interval` after `now`.
fn next_slot(due: f64, now: f64, interval: f64) -> f64 {
    if !due.is_finite() || now - due > interval * 4.0 {
        // First slot, or far behind (a pause, a stalled host): restart the grid at now.
        return now + interval;
    }
    let missed = ((now - due) / interval).floor() + 1.0;
    due + missed * interval
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playback::curve::Interpolation;
    use crate::playback::funscript::Action;
    use crate::playback::mapping::SpeedMode;

    fn script() -> Source {
        let a = |at_ms, pos| Action { at_ms, pos };
        Source::script(
            &[a(0.0, 0.0), a(1000.0, 1.0), a(1500.0, 0.0), a(3000.0, 0.5)],
            Interpolation::Linear,
        )
    }

    fn run(s: &mut Schedule, clock: &MediaClock, from: f64, to: f64) -> Vec<(f64, Planned)> {
        let mut out = Vec::new();
        let mut now = from;
        while now <= to {
            if let Some(p) = s.plan(now, clock, 0.0) {
                out.push((now, p));
            }
            now = s.next_due.max(now + 0.25).min(to + 1.0);
        }
        out
    }

    #[test]
    fn sampled_positions_follow_the_script_at_slot_time_plus_latency() {
        let mut clock = MediaClock::new();
        clock.play(0.0, 0.0, 1.0).unwrap();
        let mut s = Schedule::new(
            OutputType::Position,
            OutputLimits::new(0, 100),
            script(),
            Mapping::default(),
            20.0,
            40.0,
        );
        let writes = run(&mut s, &clock, 0.0, 2000.0);
        let times: Vec<f64> = writes.iter().map(|w| w.0).collect();
        assert_eq!(times[..3], [0.0, 20.0, 40.0], "one write per 20 ms slot");
        for (now, p) in &writes {
            let expected = (script().value_at(now + 40.0) * 100.0).round() as i32;
            assert_eq!(p.command.value, expected, "at {now}");
        }
    }

    #[test]
    fn timed_outputs_get_the_next_keyframe_early_by_latency() {
        let mut clock = MediaClock::new();
        clock.play(0.0, 0.0, 1.0).unwrap();
        let mut limits = OutputLimits::new(0, 100);
        limits.duration = Some((0, 10_000));
        let mut s = Schedule::new(
            OutputType::HwPositionWithDuration,
            limits,
            script(),
            Mapping::default(),
            20.0,
            50.0,
        );
        let writes = run(&mut s, &clock, 0.0, 3500.0);
        let got: Vec<(f64, i32, Option<u32>)> = writes
            .iter()
            .map(|(t, p)| (*t, p.command.value, p.command.duration))
            .collect();
        assert_eq!(
            got,
            vec![
                (0.0, 100, Some(950)),
                (950.0, 0, Some(500)),
                (1450.0, 50, Some(1500)),
            ]
        );
    }

    #[test]
    fn rate_scales_durations_and_pause_rests_speed_outputs() {
        let mut clock = MediaClock::new();
        clock.play(0.0, 0.0, 2.0).unwrap();
        let mut limits = OutputLimits::new(0, 100);
        limits.duration = Some((0, 10_000));
        let mut timed = Schedule::new(
            OutputType::HwPositionWithDuration,
            limits,
            script(),
            Mapping::default(),
            20.0,
            0.0,
        );
        let p = timed.plan(0.0, &clock, 0.0).unwrap();
        assert_eq!(p.command.duration, Some(500), "1000 media ms at 2x");
        let mut vibe = Schedule::new(
            OutputType::Vibrate,
            OutputLimits::new(0, 20),
            script(),
            Mapping::default(),
            20.0,
            0.0,
        );
        assert_eq!(vibe.plan(250.0, &clock, 0.0).unwrap().command.value, 10);
        clock.pause(260.0);
        vibe.reset(260.0);
        assert_eq!(vibe.plan(260.0, &clock, 0.0).unwrap().command.value, 0);
        assert!(vibe.plan(1000.0, &clock, 0.0).is_none());
    }

    #[test]
    fn movement_speed_from_a_stroke_script() {
        let mut clock = MediaClock::new();
        clock.play(0.0, 0.0, 1.0).unwrap();
        let mut s = Schedule::new(
            OutputType::Vibrate,
            OutputLimits::new(0, 20),
            script(),
            Mapping {
                speed: SpeedMode::Movement,
                ..Mapping::default()
            },
            20.0,
            0.0,
        );
        // 0 -> 1 in 1000 ms is a quarter of full speed (a full stroke in 250 ms).
        assert_eq!(s.plan(100.0, &clock, 0.0).unwrap().command.value, 5);
        // 1 -> 0 in 500 ms: half speed.
        s.reset(1200.0);
        assert_eq!(s.plan(1200.0, &clock, 0.0).unwrap().command.value, 10);
    }

    #[test]
    fn ends_after_writing_the_last_value() {
        let mut clock = MediaClock::new();
        clock.play(0.0, 2950.0, 1.0).unwrap();
        let mut s = Schedule::new(
            OutputType::Position,
            OutputLimits::new(0, 100),
            script(),
            Mapping::default(),
            20.0,
            0.0,
        );
        let mut written = Vec::new();
        let mut now = 0.0;
        while !s.finished {
            assert!(now < 1000.0, "never finished");
            written.extend(s.plan(now, &clock, 0.0).map(|p| p.command.value));
            now += 20.0;
        }
        assert_eq!(
            written,
            vec![48, 49, 50],
            "the script's last value is written"
        );
        assert!(
            s.plan(now + 20.0, &clock, 0.0).is_none(),
            "nothing after the end"
        );
    }

    #[test]
    fn the_slot_grid_keeps_its_phase() {
        assert_eq!(next_slot(100.0, 100.3, 20.0), 120.0);
        assert_eq!(next_slot(100.0, 125.0, 20.0), 140.0);
        assert_eq!(next_slot(f64::NEG_INFINITY, 7.0, 20.0), 27.0);
        assert_eq!(next_slot(100.0, 1000.0, 20.0), 1020.0);
    }
}
