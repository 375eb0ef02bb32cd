//! What a track plays: one axis of a script (a curve through its actions) or a pattern.

use super::curve::{Curve, Interpolation};
use super::funscript::Action;
use super::pattern::Pattern;

#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    Script(Curve),
    Pattern(Pattern),
}

impl Source {
    /// One axis of a funscript, read with `interpolation`.
    pub fn script(actions: &[Action], interpolation: Interpolation) -> Source {
        Source::Script(Curve::new(
            actions.iter().map(|a| (a.at_ms, a.pos)),
            interpolation,
        ))
    }

    /// The value (0..=1) at media time `t` (ms).
    pub fn value_at(&self, t: f64) -> f64 {
        match self {
            Source::Script(c) => c.value_at(t),
            Source::Pattern(p) => p.value_at(t),
        }
    }

    /// The next point the source heads for after `t`: (time, value).
    pub fn next_point(&self, t: f64) -> Option<(f64, f64)> {
        match self {
            Source::Script(c) => c.point(c.next_index(t)),
            Source::Pattern(p) => p.next_point(t),
        }
    }

    /// When the source ends (media ms); `None` for a looped pattern.
    pub fn end_ms(&self) -> Option<f64> {
        match self {
            Source::Script(c) => Some(c.last_ms()),
            Source::Pattern(p) => p.end_ms(),
        }
    }

    /// How fast the source moves around `t`, in full ranges per ms, measured over `window`
    /// ms ahead.
    pub fn movement(&self, t: f64, window: f64) -> f64 {
        let w = window.max(1.0);
        (self.value_at(t + w) - self.value_at(t)).abs() / w
    }
}
