//! From a source's value (0..=1) to an output's steps.
//!
//! Every output kind gets `range` (the part of the output's steps used, as fractions),
//! `invert` and `scale` (a gain, the result limited to 0..=1), applied in that order:
//! `scaled = clamp(value * scale)`, `inverted = 1 - scaled` if `invert`, then
//! `min + inverted * (max - min)`, rounded to the nearest step of `0..=top`.
//!
//! How a track writes depends on its output (see [`OutputMode::for_output`]):
//! - `HwPositionWithDuration`: the next keyframe with its duration, at the keyframe
//!   (sent early by the track's latency);
//! - `Position`: the value at each slot (every gap of the device);
//! - speed-like outputs (vibrate, rotate, oscillate, constrict, and spray, temperature,
//!   led): with [`SpeedMode::Direct`] the value at each slot; with
//!   [`SpeedMode::Movement`] the speed of the script's movement: a full-range stroke in
//!   [`FULL_SPEED_STROKE_MS`] (or faster) is full speed, a still axis is zero.

use crate::device::feature::{OutputLimits, OutputType};

/// A full-range stroke in this many ms is full speed in [`SpeedMode::Movement`].
pub const FULL_SPEED_STROKE_MS: f64 = 250.0;

/// What a speed-like output gets from a position source.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum SpeedMode {
    /// The source value itself (a vibration pattern, a vibe axis).
    #[default]
    Direct,
    /// How fast the source moves (a stroke script on a vibrator).
    Movement,
}

/// How a track writes to its output.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum OutputMode {
    /// Next keyframe with its duration, at the keyframe.
    Timed,
    /// Sampled at each slot.
    Sampled,
    /// Speed of movement, sampled at each slot.
    Movement,
}

impl OutputMode {
    pub fn for_output(output: OutputType, speed: SpeedMode) -> OutputMode {
        match output {
            OutputType::HwPositionWithDuration => OutputMode::Timed,
            OutputType::Position => OutputMode::Sampled,
            _ if speed == SpeedMode::Movement => OutputMode::Movement,
            _ => OutputMode::Sampled,
        }
    }
}

/// Range, invert and scale of one track.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Mapping {
    pub min: f64,
    pub max: f64,
    pub invert: bool,
    pub scale: f64,
    pub speed: SpeedMode,
}

impl Default for Mapping {
    fn default() -> Self {
        Mapping {
            min: 0.0,
            max: 1.0,
            invert: false,
            scale: 1.0,
            speed: SpeedMode::Direct,
        }
    }
}

/// Why a mapping cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MappingError {
    #[error("range must satisfy 0 <= min <= max <= 1, got {min}..{max}")]
    Range { min: f64, max: f64 },
    #[error("scale must be a finite number >= 0, got {0}")]
    Scale(f64),
}

impl Mapping {
    pub fn check(&self) -> Result<(), MappingError> {
        let ok = self.min.is_finite()
            && self.max.is_finite()
            && 0.0 <= self.min
            && self.min <= self.max
            && self.max <= 1.0;
        if !ok {
            return Err(MappingError::Range {
                min: self.min,
                max: self.max,
            });
        }
        if !(self.scale.is_finite() && self.scale >= 0.0) {
            return Err(MappingError::Scale(self.scale));
        }
        Ok(())
    }

    /// A source value (or speed) to a fraction of the output.
    pub fn apply(&self, value: f64) -> f64 {
        let scaled = (value * self.scale).clamp(0.0, 1.0);
        let v = if self.invert { 1.0 - scaled } else { scaled };
        self.min + v * (self.max - self.min)
    }

    /// A fraction to the output's client steps `0..=top` (the nearest step).
    pub fn to_step(&self, fraction: f64, limits: &OutputLimits) -> i32 {
        let top = limits.value.1.max(0);
        let low = limits.value.0.max(0);
        ((fraction.clamp(0.0, 1.0) * f64::from(top)).round() as i32).clamp(low, top)
    }
}

/// Speed (0..=1) from movement in full ranges per ms.
pub fn movement_speed(per_ms: f64) -> f64 {
    (per_ms * FULL_SPEED_STROKE_MS).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_invert_scale_and_steps() {
        let limits = OutputLimits::new(0, 20);
        let m = Mapping::default();
        assert_eq!(m.to_step(m.apply(0.5), &limits), 10);
        assert_eq!(m.to_step(m.apply(0.52), &limits), 10);
        assert_eq!(m.to_step(m.apply(0.53), &limits), 11);
        let ranged = Mapping {
            min: 0.2,
            max: 0.6,
            ..m
        };
        assert!((ranged.apply(0.5) - 0.4).abs() < 1e-12);
        assert_eq!(ranged.to_step(ranged.apply(0.0), &limits), 4);
        let inverted = Mapping {
            invert: true,
            ..ranged
        };
        assert!((inverted.apply(0.0) - 0.6).abs() < 1e-12);
        let gained = Mapping { scale: 2.0, ..m };
        assert_eq!(gained.apply(0.75), 1.0);
        let rotate = OutputLimits::new(-20, 20);
        assert_eq!(m.to_step(1.0, &rotate), 20);
        assert_eq!(m.to_step(0.0, &rotate), 0, "rotation plays one direction");
        let position = OutputLimits::new(0, 100);
        assert_eq!(m.to_step(0.333, &position), 33);
        assert!(
            Mapping {
                min: 0.7,
                max: 0.2,
                ..m
            }
            .check()
            .is_err()
        );
        assert!(Mapping { scale: -1.0, ..m }.check().is_err());
    }

    #[test]
    fn modes_per_output_kind() {
        use OutputType::*;
        assert_eq!(
            OutputMode::for_output(HwPositionWithDuration, SpeedMode::Movement),
            OutputMode::Timed
        );
        assert_eq!(
            OutputMode::for_output(Position, SpeedMode::Movement),
            OutputMode::Sampled
        );
        for o in [Vibrate, Rotate, Oscillate, Constrict] {
            assert_eq!(
                OutputMode::for_output(o, SpeedMode::Direct),
                OutputMode::Sampled
            );
            assert_eq!(
                OutputMode::for_output(o, SpeedMode::Movement),
                OutputMode::Movement
            );
        }
        assert_eq!(movement_speed(1.0 / 500.0), 0.5);
        assert_eq!(movement_speed(1.0), 1.0);
    }
}
