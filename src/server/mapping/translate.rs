//! What one value sent to a presented output means for one real output. Pure arithmetic;
//! the runtime ([`super::runtime`]) carries out the effects.
//!
//! Formulas (fractions are of the output's range, `x` in 0..1):
//! - intensity → intensity: `y = curve(x)`, then `low + y * (high - low)` of the real
//!   range, rounded up to a step like any client float (`ceil`); 0 stays 0 (off is off).
//!   Rotation keeps the client's direction, times `clockwise` and `invert`.
//! - intensity → position: strokes between `low` and `high` of the position range. The
//!   stroke *speed* (1 / duration) goes linearly from the slowest to the fastest stroke as
//!   `curve(x)` goes from 0 to 1, because what a stroker's user feels as "more" is speed;
//!   interpolating durations instead would crowd the fast end. 0 stops stroking (the
//!   stroker stays where it is, as a stop leaves positions).
//! - position → intensity: stroke speed `v = |p - previous| / duration` (range per
//!   second), `x = min(1, v / full_speed)`, then as intensity → intensity. A stroke script
//!   is a speed signal: fast strokes are intense, a hold is nothing. The intensity lasts
//!   the move's duration plus [`HOLD_GRACE`], then falls to 0 unless a newer move came, as
//!   a stroker would stand still after its last move.
//! - position → position: `p` (mirrored when `invert`) placed in `[low, high]`, steps by
//!   truncation as positions are; a move's duration is kept within the output's limits.

use std::time::Duration;

use super::config::{Target, is_positional};
use crate::device::feature::{OutputLimits, OutputType, float_to_step, position_to_step};
use crate::spec::message::OutputCommand;

/// How long a speed-derived intensity outlasts its move when no newer move comes.
pub const HOLD_GRACE: Duration = Duration::from_millis(100);

/// A value a client sent to a presented output.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Source {
    /// Intensity in -1..1 (negative: counter-clockwise, for presented rotation).
    Intensity(f64),
    /// A place in 0..1, reached in `duration` (for a plain position: the time since the
    /// previous one), coming from `previous`.
    Position {
        position: f64,
        previous: f64,
        duration: Duration,
    },
}

/// What the real output should do.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Write this now.
    Set(OutputCommand),
    /// Write this now and 0 after `hold`, unless something newer comes.
    SetFor {
        command: OutputCommand,
        hold: Duration,
    },
    /// Keep stroking with this stroke duration; `None`: stop stroking.
    Stroke(Option<Duration>),
}

/// Applies the curve and the range to an intensity: `None` for 0.
fn shaped(target: &Target, x: f64) -> Option<f64> {
    if x <= 1e-6 {
        return None;
    }
    let y = target.curve.apply(x.min(1.0));
    let (lo, hi) = target.range;
    Some(lo + y * (hi - lo))
}

/// A fraction of a real output's range as a client step of it (ceil, clamped, sign kept
/// for signed outputs).
fn intensity_step(limits: &OutputLimits, fraction: f64, negative: bool) -> i32 {
    let signed = limits.value.0 < 0;
    let steps = limits.step_count();
    let magnitude = float_to_step(fraction.clamp(0.0, 1.0), steps, false).unwrap_or(0);
    let value = if signed && negative {
        -magnitude
    } else {
        magnitude
    };
    value.clamp(limits.value.0, limits.value.1)
}

fn position_step(target: &Target, limits: &OutputLimits, p: f64) -> i32 {
    let p = if target.invert { 1.0 - p } else { p }.clamp(0.0, 1.0);
    let (lo, hi) = target.range;
    // Rounded to 1e-9 first: `1 - 0.8` is 0.1999..., which truncation would take a step
    // below what the arithmetic means.
    let placed = ((lo + p * (hi - lo)) * 1e9).round() / 1e9;
    position_to_step(placed.clamp(0.0, 1.0), limits.step_count())
        .unwrap_or(0)
        .clamp(limits.value.0, limits.value.1)
}

/// A duration within the output's limits.
fn duration_within(limits: &OutputLimits, d: Duration) -> u32 {
    let ms = u32::try_from(d.as_millis()).unwrap_or(u32::MAX);
    match limits.duration {
        Some((lo, hi)) => ms.clamp(lo, hi),
        None => ms,
    }
}

/// A stroke's position step: `up` goes to the high end of the stroke range (the low end
/// when inverted).
pub fn stroke_position(target: &Target, limits: &OutputLimits, up: bool) -> i32 {
    position_step(target, limits, if up { 1.0 } else { 0.0 })
}

/// The command that sends a stroker to `step`, taking `duration` for timed moves.
pub fn move_command(
    limits: &OutputLimits,
    output: OutputType,
    step: i32,
    d: Duration,
) -> OutputCommand {
    OutputCommand {
        output,
        value: step,
        duration: (output == OutputType::HwPositionWithDuration)
            .then(|| duration_within(limits, d)),
    }
}

/// The zero a timed intensity falls to.
pub fn zero(output: OutputType) -> OutputCommand {
    OutputCommand {
        output,
        value: 0,
        duration: None,
    }
}

/// The stroke duration for an intensity (speed-linear between slowest and fastest).
fn stroke_duration(target: &Target, x: f64) -> Duration {
    let y = target.curve.apply(x.clamp(0.0, 1.0));
    let (slow, fast) = target.stroke_ms;
    let (s_slow, s_fast) = (1.0 / f64::from(slow), 1.0 / f64::from(fast));
    let speed = s_slow + y * (s_fast - s_slow);
    Duration::from_secs_f64(1.0 / speed / 1000.0)
}

/// Translates one value for one real output with these limits.
pub fn translate(target: &Target, limits: &OutputLimits, source: Source) -> Effect {
    let out = target.output;
    match source {
        Source::Intensity(v) => {
            if is_positional(out) {
                return Effect::Stroke((v.abs() > 1e-6).then(|| stroke_duration(target, v.abs())));
            }
            let value = match shaped(target, v.abs()) {
                None => 0,
                Some(f) => {
                    let ccw = (v < 0.0) ^ !target.clockwise ^ target.invert;
                    intensity_step(limits, f, ccw)
                }
            };
            Effect::Set(OutputCommand {
                output: out,
                value,
                duration: None,
            })
        }
        Source::Position {
            position,
            previous,
            duration,
        } => {
            if is_positional(out) {
                let step = position_step(target, limits, position);
                return Effect::Set(move_command(limits, out, step, duration));
            }
            let seconds = duration.as_secs_f64().max(0.001);
            let speed = (position - previous).abs() / seconds;
            let x = (speed / target.full_speed).min(1.0);
            let value = match shaped(target, x) {
                None => 0,
                Some(f) => intensity_step(limits, f, !target.clockwise ^ target.invert),
            };
            Effect::SetFor {
                command: OutputCommand {
                    output: out,
                    value,
                    duration: None,
                },
                hold: duration + HOLD_GRACE,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::config::{Curve, DEFAULT_FULL_SPEED, DEFAULT_STROKE_MS};
    use super::*;

    fn target(output: OutputType) -> Target {
        Target {
            feature: None,
            output,
            range: (0.0, 1.0),
            curve: Curve::Linear,
            invert: false,
            clockwise: true,
            stroke_ms: DEFAULT_STROKE_MS,
            full_speed: DEFAULT_FULL_SPEED,
            path: String::new(),
        }
    }

    fn set(e: Effect) -> i32 {
        match e {
            Effect::Set(c) => c.value,
            Effect::SetFor { command, .. } => command.value,
            other => panic!("expected a value, got {other:?}"),
        }
    }

    fn pos(position: f64, previous: f64, ms: u64) -> Source {
        Source::Position {
            position,
            previous,
            duration: Duration::from_millis(ms),
        }
    }

    #[test]
    fn intensity_to_intensity_with_range_and_curve() {
        let l = OutputLimits::new(0, 20);
        let mut t = target(OutputType::Oscillate);
        assert_eq!(set(translate(&t, &l, Source::Intensity(0.5))), 10);
        assert_eq!(set(translate(&t, &l, Source::Intensity(0.0))), 0);
        t.range = (0.5, 1.0);
        // Off stays off; the lowest non-zero lands at the bottom of the range.
        assert_eq!(set(translate(&t, &l, Source::Intensity(0.0))), 0);
        assert_eq!(set(translate(&t, &l, Source::Intensity(0.01))), 11);
        assert_eq!(set(translate(&t, &l, Source::Intensity(1.0))), 20);
        t.range = (0.0, 1.0);
        t.curve = Curve::Gamma(2.0);
        assert_eq!(set(translate(&t, &l, Source::Intensity(0.5))), 5);
    }

    #[test]
    fn rotation_takes_direction_from_client_clockwise_and_invert() {
        let l = OutputLimits::new(-10, 10);
        let mut t = target(OutputType::Rotate);
        assert_eq!(set(translate(&t, &l, Source::Intensity(0.5))), 5);
        assert_eq!(set(translate(&t, &l, Source::Intensity(-0.5))), -5);
        t.clockwise = false;
        assert_eq!(set(translate(&t, &l, Source::Intensity(0.5))), -5);
        t.invert = true;
        assert_eq!(set(translate(&t, &l, Source::Intensity(0.5))), 5);
        // An unsigned rotator only turns one way.
        let u = OutputLimits::new(0, 10);
        assert_eq!(set(translate(&t, &u, Source::Intensity(-1.0))), 10);
    }

    #[test]
    fn intensity_to_strokes_is_speed_linear() {
        let l = OutputLimits::new(0, 100);
        let t = target(OutputType::HwPositionWithDuration);
        assert_eq!(
            translate(&t, &l, Source::Intensity(0.0)),
            Effect::Stroke(None)
        );
        assert_eq!(
            translate(&t, &l, Source::Intensity(1.0)),
            Effect::Stroke(Some(Duration::from_millis(200)))
        );
        // Half way in speed between 1/1000 and 1/200 per ms: 1/(0.003) = 333 ms.
        let Effect::Stroke(Some(d)) = translate(&t, &l, Source::Intensity(0.5)) else {
            panic!()
        };
        assert_eq!(d.as_millis(), 333);
        let mut inv = t.clone();
        inv.range = (0.2, 0.8);
        assert_eq!(stroke_position(&inv, &l, true), 80);
        assert_eq!(stroke_position(&inv, &l, false), 20);
        inv.invert = true;
        assert_eq!(stroke_position(&inv, &l, true), 20);
    }

    #[test]
    fn stroke_speed_becomes_intensity_and_holds_for_the_move() {
        let l = OutputLimits::new(0, 20);
        let t = target(OutputType::Vibrate);
        // The whole range in 250 ms is full speed; in 500 ms half.
        assert_eq!(set(translate(&t, &l, pos(1.0, 0.0, 250))), 20);
        assert_eq!(set(translate(&t, &l, pos(0.0, 1.0, 500))), 10);
        assert_eq!(set(translate(&t, &l, pos(0.3, 0.3, 500))), 0);
        // Faster than full speed is full; no time at all too.
        assert_eq!(set(translate(&t, &l, pos(1.0, 0.0, 50))), 20);
        assert_eq!(set(translate(&t, &l, pos(0.5, 0.0, 0))), 20);
        match translate(&t, &l, pos(1.0, 0.0, 400)) {
            Effect::SetFor { hold, .. } => assert_eq!(hold, Duration::from_millis(500)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn position_to_position_places_and_mirrors() {
        let mut l = OutputLimits::new(0, 100);
        l.duration = Some((100, 5000));
        let mut t = target(OutputType::HwPositionWithDuration);
        let Effect::Set(c) = translate(&t, &l, pos(0.8, 0.0, 20)) else {
            panic!()
        };
        assert_eq!(
            (c.value, c.duration),
            (80, Some(100)),
            "duration kept within limits"
        );
        t.invert = true;
        t.range = (0.0, 0.5);
        assert_eq!(set(translate(&t, &l, pos(0.8, 0.0, 300))), 10);
        let p = target(OutputType::Position);
        let Effect::Set(c) = translate(&p, &l, pos(0.25, 0.0, 300)) else {
            panic!()
        };
        assert_eq!((c.value, c.duration), (25, None));
    }
}
