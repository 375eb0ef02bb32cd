//! Playback in the core: funscripts and patterns played on device outputs, on time, through
//! the device task like any other command, and ended by every stop.
//!
//! - [`funscript`]: reading funscripts (every field of the community format, sloppy files).
//! - [`pattern`]: waveforms and keyframe patterns.
//! - [`curve`]: interpolation (linear, PCHIP, step).
//! - [`source`]: what a track plays.
//! - [`mapping`]: from a value to an output's steps, per output kind.
//! - [`clock`]: wall and media clocks (play, pause, seek, rate, slewed sync).
//! - [`track`]: one track's schedule, pure.
//! - [`assign`]: a default assignment of axes to outputs.
//! - [`player`]: the thread that writes each slot, and the stop promise.
//! - [`target`]: where a player writes (a server's devices, or a client's).

pub mod assign;
pub mod clock;
pub mod curve;
pub mod funscript;
pub mod mapping;
pub mod pattern;
pub mod player;
pub mod source;
pub mod target;
pub mod track;

pub use clock::{Clock, MediaClock, SimulatedClock};
pub use curve::{Curve, Interpolation};
pub use funscript::{Axis, Funscript, FunscriptError};
pub use mapping::{Mapping, OutputMode, SpeedMode};
pub use pattern::{Easing, Keyframe, Pattern, PatternError, Waveform};
pub use player::{Playback, PlaybackError, PlaybackEvent, PlaybackOptions, StopReason, TrackSpec};
pub use source::Source;
pub use target::{PendingWrite, PlaybackDevice, PlaybackTarget};
