//! Patterns: built-in waveforms and keyframe patterns, looped or once, scaled in
//! amplitude and time. Values are fractions `0.0..=1.0`.

use std::f64::consts::TAU;

use super::curve::{Curve, Interpolation};

/// A periodic shape; one period spans `period_ms`.
/// The slowest and fastest a pattern plays (a thousandth of its speed up to a thousand
/// times as fast).
pub const TIME_SCALE_MIN: f64 = 1e-3;
pub const TIME_SCALE_MAX: f64 = 1e3;
/// The longest period and latest keyframe time (ms): one day. Longer is no pattern a toy
/// can play, and times far beyond it overflow to infinity once scaled.
pub const MAX_TIME_MS: f64 = 86_400_000.0;

#[derive(Clone, Debug, PartialEq)]
pub enum Waveform {
    Sine,
    Square,
    /// Rises from 0 to 1 over the period, then drops.
    Saw,
    Triangle,
    /// 1 for `duty` (a fraction) of the period, 0 for the rest.
    Pulse {
        duty: f64,
    },
    /// A bounded random walk: a new point every period, each at most `step` from the last,
    /// reflected at 0 and 1; the same `seed` gives the same walk. It goes
    /// [`RANDOM_WALK_POINTS`] / 2 points out, retraces them back (so the loop closes
    /// without a jump) and repeats.
    RandomWalk {
        seed: u64,
        step: f64,
    },
}

/// Points in one cycle of a random walk.
pub const RANDOM_WALK_POINTS: usize = 256;

/// How a keyframe pattern moves into a keyframe from the one before.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum Easing {
    #[default]
    Linear,
    EaseIn,
    EaseOut,
    EaseInOut,
    /// Holds the previous value and jumps at the keyframe.
    Hold,
}

impl Easing {
    fn apply(self, s: f64) -> f64 {
        match self {
            Easing::Linear => s,
            Easing::EaseIn => s * s,
            Easing::EaseOut => 1.0 - (1.0 - s) * (1.0 - s),
            Easing::EaseInOut => {
                if s < 0.5 {
                    2.0 * s * s
                } else {
                    1.0 - 2.0 * (1.0 - s) * (1.0 - s)
                }
            }
            Easing::Hold => 0.0,
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Keyframe {
    pub at_ms: f64,
    pub value: f64,
    /// How the pattern moves from the previous keyframe into this one.
    pub easing: Easing,
}

#[derive(Clone, Debug, PartialEq)]
enum Shape {
    Wave(Waveform, f64),
    Walk(Curve),
    Keyframes(Vec<Keyframe>),
}

/// Why a pattern cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PatternError {
    #[error("period must be above 0 ms and at most {MAX_TIME_MS} ms (one day), got {0}")]
    Period(f64),
    #[error("a keyframe pattern needs at least one keyframe")]
    NoKeyframes,
    #[error("keyframe {index}: {problem}")]
    Keyframe { index: usize, problem: String },
    #[error("{name} must be a finite number above 0 (got {value})")]
    Scale { name: &'static str, value: f64 },
    #[error("time scale must be within {TIME_SCALE_MIN}..={TIME_SCALE_MAX} (got {0})")]
    TimeScale(f64),
    #[error("pulse duty must be within 0..=1, got {0}")]
    Duty(f64),
}

/// A pattern ready to play.
#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    shape: Shape,
    /// Length of one cycle in pattern time (ms).
    cycle_ms: f64,
    looped: bool,
    amplitude: f64,
    time_scale: f64,
}

impl Pattern {
    pub fn waveform(waveform: Waveform, period_ms: f64) -> Result<Pattern, PatternError> {
        if !(period_ms > 0.0 && period_ms <= MAX_TIME_MS) {
            return Err(PatternError::Period(period_ms));
        }
        let (shape, cycle_ms) = match waveform {
            Waveform::Pulse { duty } if !(0.0..=1.0).contains(&duty) => {
                return Err(PatternError::Duty(duty));
            }
            Waveform::RandomWalk { seed, step } => {
                let points = random_walk(seed, step.clamp(0.0, 1.0));
                let cycle = period_ms * RANDOM_WALK_POINTS as f64;
                let curve = Curve::new(
                    points
                        .iter()
                        .chain(points.first())
                        .enumerate()
                        .map(|(i, v)| (i as f64 * period_ms, *v)),
                    Interpolation::Linear,
                );
                (Shape::Walk(curve), cycle)
            }
            w => (Shape::Wave(w, period_ms), period_ms),
        };
        Ok(Pattern {
            shape,
            cycle_ms,
            looped: true,
            amplitude: 1.0,
            time_scale: 1.0,
        })
    }

    /// A keyframe pattern; the cycle ends at the last keyframe. Keyframes must be in
    /// time order, with values within 0..=1.
    pub fn keyframes(keyframes: Vec<Keyframe>) -> Result<Pattern, PatternError> {
        if keyframes.is_empty() {
            return Err(PatternError::NoKeyframes);
        }
        for (index, k) in keyframes.iter().enumerate() {
            let problem = if !(k.at_ms.is_finite() && k.at_ms >= 0.0) {
                Some(format!("time {} is not a time", k.at_ms))
            } else if k.at_ms > MAX_TIME_MS {
                Some(format!(
                    "time {} ms is beyond {MAX_TIME_MS} ms (one day)",
                    k.at_ms
                ))
            } else if index > 0 && k.at_ms <= keyframes[index - 1].at_ms {
                Some("times must increase".to_string())
            } else if !(0.0..=1.0).contains(&k.value) {
                Some(format!("value {} is outside 0..=1", k.value))
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(PatternError::Keyframe { index, problem });
            }
        }
        let cycle_ms = keyframes.last().map_or(0.0, |k| k.at_ms).max(1.0);
        Ok(Pattern {
            shape: Shape::Keyframes(keyframes),
            cycle_ms,
            looped: true,
            amplitude: 1.0,
            time_scale: 1.0,
        })
    }

    /// Plays once (holding the last value, then ending) instead of looping.
    pub fn once(mut self) -> Pattern {
        self.looped = false;
        self
    }

    pub fn looped(mut self, looped: bool) -> Pattern {
        self.looped = looped;
        self
    }

    /// Multiplies every value (the result is limited to 0..=1).
    pub fn amplitude(mut self, amplitude: f64) -> Result<Pattern, PatternError> {
        if !(amplitude.is_finite() && amplitude > 0.0) {
            return Err(PatternError::Scale {
                name: "amplitude",
                value: amplitude,
            });
        }
        self.amplitude = amplitude;
        Ok(self)
    }

    /// Plays `time_scale` times as fast (2.0 is twice the speed), within
    /// [`TIME_SCALE_MIN`]..=[`TIME_SCALE_MAX`]: beyond, a cycle's length overflows the clock
    /// (a subnormal scale made it infinite).
    pub fn time_scale(mut self, time_scale: f64) -> Result<Pattern, PatternError> {
        if !(TIME_SCALE_MIN..=TIME_SCALE_MAX).contains(&time_scale) {
            return Err(PatternError::TimeScale(time_scale));
        }
        self.time_scale = time_scale;
        Ok(self)
    }

    /// When a pattern played once ends (ms of playback time); `None` when looped.
    pub fn end_ms(&self) -> Option<f64> {
        (!self.looped).then(|| self.cycle_ms / self.time_scale)
    }

    /// The value at playback time `t` (ms).
    pub fn value_at(&self, t: f64) -> f64 {
        let local = (t.max(0.0) * self.time_scale).min(if self.looped {
            f64::INFINITY
        } else {
            self.cycle_ms
        });
        let phase_ms = if self.looped || local < self.cycle_ms {
            local.rem_euclid(self.cycle_ms)
        } else {
            self.cycle_ms
        };
        let raw = match &self.shape {
            Shape::Wave(w, period) => wave(w, (phase_ms / period).min(1.0)),
            Shape::Walk(curve) => curve.value_at(phase_ms),
            Shape::Keyframes(k) => keyframe_value(k, phase_ms),
        };
        (raw * self.amplitude).clamp(0.0, 1.0)
    }

    /// The next point the pattern heads for after playback time `t` (for outputs that move
    /// to a position over a duration): keyframes of a keyframe pattern, the points of a
    /// random walk, and for other waveforms each quarter period.
    pub fn next_point(&self, t: f64) -> Option<(f64, f64)> {
        let local = t.max(0.0) * self.time_scale;
        let step = match &self.shape {
            Shape::Wave(_, period) => Some(period / 4.0),
            Shape::Walk(_) => Some(self.cycle_ms / RANDOM_WALK_POINTS as f64),
            Shape::Keyframes(_) => None,
        };
        let next_local = match (step, &self.shape) {
            (Some(step), _) => (local / step).floor() * step + step,
            (None, Shape::Keyframes(k)) => {
                let cycle_start = (local / self.cycle_ms).floor() * self.cycle_ms;
                let phase = local - cycle_start;
                match k.iter().find(|k| k.at_ms > phase) {
                    Some(k) => cycle_start + k.at_ms,
                    None => cycle_start + self.cycle_ms,
                }
            }
            (None, _) => return None,
        };
        if !self.looped && next_local > self.cycle_ms {
            return None;
        }
        let at = next_local / self.time_scale;
        // Far enough out, the next point is beyond what a time can say (infinite, or lost
        // to rounding): there is none.
        (at.is_finite() && at > t.max(0.0)).then(|| (at, self.value_at(at)))
    }
}

fn wave(w: &Waveform, phase: f64) -> f64 {
    match w {
        Waveform::Sine => 0.5 - 0.5 * (TAU * phase).cos(),
        Waveform::Square => {
            if phase < 0.5 {
                1.0
            } else {
                0.0
            }
        }
        Waveform::Saw => phase,
        Waveform::Triangle => 1.0 - (2.0 * phase - 1.0).abs(),
        Waveform::Pulse { duty } => {
            if phase < *duty {
                1.0
            } else {
                0.0
            }
        }
        // Built as a curve.
        Waveform::RandomWalk { .. } => 0.0,
    }
}

fn keyframe_value(k: &[Keyframe], phase_ms: f64) -> f64 {
    let i = k.partition_point(|k| k.at_ms <= phase_ms);
    if i == 0 {
        // Before the first keyframe: from the last one (loop wraps) towards the first.
        return k[0].value;
    }
    if i == k.len() {
        return k[k.len() - 1].value;
    }
    let (a, b) = (k[i - 1], k[i]);
    let s = (phase_ms - a.at_ms) / (b.at_ms - a.at_ms);
    a.value + (b.value - a.value) * b.easing.apply(s)
}

/// splitmix64: a tiny, well-known generator; enough for a repeatable walk.
fn splitmix(state: &mut u64) -> f64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// The walk out and back: `RANDOM_WALK_POINTS` points whose loop closes within a step.
fn random_walk(seed: u64, step: f64) -> Vec<f64> {
    let half = RANDOM_WALK_POINTS / 2;
    let mut points = walk_out(seed, step, half + 1);
    let back: Vec<f64> = points[1..half].iter().rev().copied().collect();
    points.extend(back);
    points
}

fn walk_out(seed: u64, step: f64, n: usize) -> Vec<f64> {
    let mut state = seed;
    let mut v = splitmix(&mut state);
    let mut points = Vec::with_capacity(n);
    for _ in 0..n {
        points.push(v);
        v += (splitmix(&mut state) * 2.0 - 1.0) * step;
        if v < 0.0 {
            v = -v;
        }
        if v > 1.0 {
            v = 2.0 - v;
        }
    }
    points
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_time_scale_out_of_range_is_refused_by_name() {
        let sine = || Pattern::waveform(Waveform::Sine, 1000.0).unwrap();
        // Found by the pattern fuzz target: a subnormal scale made a cycle infinitely long.
        for bad in [0.0, -1.0, 1e-310, 1e-4, 1e4, f64::NAN, f64::INFINITY] {
            let e = sine().time_scale(bad).unwrap_err();
            assert!(e.to_string().contains("time scale must be within"), "{e}");
        }
        for good in [TIME_SCALE_MIN, 0.5, 2.0, TIME_SCALE_MAX] {
            let p = sine().time_scale(good).unwrap().looped(false);
            assert!(p.end_ms().is_some_and(f64::is_finite));
        }
    }

    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-9, "{a} != {b}");
    }

    #[test]
    fn waveforms_by_hand() {
        let sine = Pattern::waveform(Waveform::Sine, 1000.0).unwrap();
        close(sine.value_at(0.0), 0.0);
        close(sine.value_at(250.0), 0.5);
        close(sine.value_at(500.0), 1.0);
        close(sine.value_at(1500.0), 1.0);
        let square = Pattern::waveform(Waveform::Square, 100.0).unwrap();
        close(square.value_at(10.0), 1.0);
        close(square.value_at(60.0), 0.0);
        let saw = Pattern::waveform(Waveform::Saw, 100.0).unwrap();
        close(saw.value_at(25.0), 0.25);
        close(saw.value_at(125.0), 0.25);
        let tri = Pattern::waveform(Waveform::Triangle, 100.0).unwrap();
        close(tri.value_at(25.0), 0.5);
        close(tri.value_at(50.0), 1.0);
        close(tri.value_at(75.0), 0.5);
        let pulse = Pattern::waveform(Waveform::Pulse { duty: 0.2 }, 100.0).unwrap();
        close(pulse.value_at(19.0), 1.0);
        close(pulse.value_at(21.0), 0.0);
    }

    #[test]
    fn random_walk_is_seeded_bounded_and_stepwise() {
        let w = |seed| Pattern::waveform(Waveform::RandomWalk { seed, step: 0.1 }, 50.0).unwrap();
        let (a, b, c) = (w(7), w(7), w(8));
        let values = |p: &Pattern| {
            (0..2000)
                .map(|i| p.value_at(i as f64 * 10.0))
                .collect::<Vec<_>>()
        };
        assert_eq!(values(&a), values(&b), "same seed, same walk");
        assert_ne!(values(&a), values(&c), "another seed, another walk");
        let va = values(&a);
        assert!(va.iter().all(|v| (0.0..=1.0).contains(v)));
        // 10 ms samples of a walk moving at most 0.1 per 50 ms point.
        assert!(
            va.windows(2)
                .all(|p| (p[1] - p[0]).abs() <= 0.1 / 5.0 + 1e-9)
        );
    }

    #[test]
    fn keyframes_with_easing_loop_and_once() {
        let k = |at_ms, value, easing| Keyframe {
            at_ms,
            value,
            easing,
        };
        let p = Pattern::keyframes(vec![
            k(0.0, 0.0, Easing::Linear),
            k(100.0, 1.0, Easing::EaseIn),
            k(200.0, 0.0, Easing::Hold),
        ])
        .unwrap();
        close(p.value_at(50.0), 0.25);
        close(p.value_at(150.0), 1.0);
        close(p.value_at(250.0), 0.25);
        assert_eq!(p.end_ms(), None);
        let once = p.clone().once();
        assert_eq!(once.end_ms(), Some(200.0));
        close(once.value_at(250.0), 0.0);
        let fast = once.clone().time_scale(2.0).unwrap();
        assert_eq!(fast.end_ms(), Some(100.0));
        close(fast.value_at(25.0), 0.25);
        let half = p.amplitude(0.5).unwrap();
        close(half.value_at(150.0), 0.5);
        let loud = Pattern::waveform(Waveform::Sine, 100.0)
            .unwrap()
            .amplitude(3.0)
            .unwrap();
        close(loud.value_at(50.0), 1.0);
        assert_eq!(once.next_point(120.0), Some((200.0, 0.0)));
        assert_eq!(once.next_point(200.0), None);
    }

    #[test]
    fn bad_patterns_say_why() {
        assert_eq!(
            Pattern::waveform(Waveform::Sine, 0.0),
            Err(PatternError::Period(0.0))
        );
        assert_eq!(Pattern::keyframes(vec![]), Err(PatternError::NoKeyframes));
        let k = |at_ms, value| Keyframe {
            at_ms,
            value,
            easing: Easing::Linear,
        };
        assert!(matches!(
            Pattern::keyframes(vec![k(0.0, 0.0), k(0.0, 1.0)]),
            Err(PatternError::Keyframe { index: 1, .. })
        ));
        assert!(matches!(
            Pattern::keyframes(vec![k(0.0, 1.5)]),
            Err(PatternError::Keyframe { index: 0, .. })
        ));
        assert!(Pattern::waveform(Waveform::Pulse { duty: 2.0 }, 10.0).is_err());
        let p = Pattern::waveform(Waveform::Sine, 10.0).unwrap();
        assert!(p.clone().time_scale(0.0).is_err());
        assert!(p.amplitude(f64::NAN).is_err());
    }

    #[test]
    fn times_beyond_a_day_are_refused_and_next_points_stay_finite() {
        // Found by the pattern fuzz target: a huge period, slowed down, put the next point
        // at infinity.
        for bad in [MAX_TIME_MS * 2.0, 1e300, f64::INFINITY, f64::NAN] {
            let e = Pattern::waveform(Waveform::Saw, bad).unwrap_err();
            assert!(e.to_string().contains("one day"), "{e}");
            let key = |at_ms| Keyframe {
                at_ms,
                value: 0.5,
                easing: Easing::Linear,
            };
            assert!(matches!(
                Pattern::keyframes(vec![key(0.0), key(bad)]),
                Err(PatternError::Keyframe { index: 1, .. })
            ));
        }
        let slowest = Pattern::waveform(Waveform::RandomWalk { seed: 1, step: 0.2 }, MAX_TIME_MS)
            .unwrap()
            .time_scale(TIME_SCALE_MIN)
            .unwrap();
        for t in [0.0, 2450.0, 1e12, 1e300, f64::MAX] {
            if let Some((at, v)) = slowest.next_point(t) {
                assert!(at.is_finite() && at > t, "{t}: {at}");
                assert!((0.0..=1.0).contains(&v));
            }
        }
        assert!(slowest.next_point(0.0).is_some());
    }
}
