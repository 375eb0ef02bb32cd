//! Kiiroo v1 (Pearl, Onyx): subscribe to `rx`, `[0x01, 0x00]` to `command` and `"0,"` to
//! `tx` on connect, then ASCII `"n,\n"` on `tx`. The Pearl's n is its vibration level. The
//! Onyx's positions are inverted (n = 4 - step) and it has no timed move of its own: the
//! device task's tick walks it towards the goal over the move's duration, and while it
//! is in use its position is sent again every 500 ms when nothing else was.
//!
//! There is no kiiroo-v1 handler in the current reference server; this follows the older
//! C# one.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::handler_kit::{duration_of, one_write, unsupported, vibrate_level};
use super::packet_shapes::{Fixed, PacketHandler, Shape};
use crate::device::config::DeviceDefinition;
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{HardwareCommand, OutputChange, OutputState, ProtocolHandler};
use crate::hardware::{Endpoint, HardwareDevice};

const NAME: &str = "kiiroo-v1";
/// The Onyx's top step.
const TOP: f64 = 4.0;
const TICK: Duration = Duration::from_millis(50);
const PING: Duration = Duration::from_millis(500);

pub(super) const PROTOCOL: Fixed = Fixed::new(NAME, Shape::Custom(handler))
    .subscribe(&[Endpoint::Rx])
    .handshake(&[
        (Endpoint::Command, &[0x01, 0x00], true),
        (Endpoint::Tx, b"0,", true),
    ]);

fn handler(
    _hw: &Arc<dyn HardwareDevice>,
    definition: &DeviceDefinition,
) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
    let strokes = definition
        .features
        .iter()
        .any(|f| f.outputs.contains_key(&OutputType::HwPositionWithDuration));
    Ok(if strokes {
        Arc::new(Onyx {
            walk: Mutex::new(Walk::default()),
        })
    } else {
        PacketHandler::each(|c| one_write(Endpoint::Tx, packet(vibrate_level(NAME, c)?), false))
            .shared()
    })
}

fn packet(n: u8) -> Vec<u8> {
    format!("{n},\n").into_bytes()
}

/// A move of the Onyx, in the client's steps (0..4).
#[derive(Default)]
struct Walk {
    from: f64,
    to: f64,
    started: Option<Instant>,
    duration: Duration,
    /// The step last sent.
    sent: Option<u8>,
    /// A move was asked for since the last stop: the tick walks and pings.
    active: bool,
}

impl Walk {
    /// Where the walk is at `now`, linearly from `from` to `to` over the duration.
    fn at(&self, now: Instant) -> f64 {
        match self.started {
            Some(started) if !self.duration.is_zero() => {
                let done = (now.saturating_duration_since(started).as_secs_f64()
                    / self.duration.as_secs_f64())
                .min(1.0);
                self.from + (self.to - self.from) * done
            }
            _ => self.to,
        }
    }

    /// The step to send at `now` (rounded half away from zero, within 0..4).
    fn step(&self, now: Instant) -> u8 {
        // Within 0..=4 after the clamp, so the cast is exact.
        self.at(now).round().clamp(0.0, TOP) as u8
    }

    fn send(&mut self, step: u8) -> Vec<HardwareCommand> {
        self.sent = Some(step);
        // Inverted: the Onyx's 0 is the client's top.
        vec![HardwareCommand::write(
            Endpoint::Tx,
            packet(4 - step),
            false,
        )]
    }
}

struct Onyx {
    walk: Mutex<Walk>,
}

impl Onyx {
    fn walk(&self) -> MutexGuard<'_, Walk> {
        self.walk.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl ProtocolHandler for Onyx {
    fn encode_output(&self, c: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
        if c.output != OutputType::HwPositionWithDuration {
            return Err(unsupported(NAME, c));
        }
        let duration = Duration::from_millis(u64::from(duration_of(c)?));
        if !(0..=4).contains(&c.value) {
            return Err(DeviceError::ValueOutOfRange {
                feature: c.feature,
                output: c.output,
                value: c.value,
                lo: 0,
                hi: 4,
            });
        }
        let now = Instant::now();
        let mut walk = self.walk();
        let from = walk.at(now);
        *walk = Walk {
            from,
            to: f64::from(c.value),
            started: Some(now),
            duration,
            sent: walk.sent,
            active: true,
        };
        let step = walk.step(now);
        Ok(if walk.sent == Some(step) {
            Vec::new()
        } else {
            walk.send(step)
        })
    }

    fn tick_interval(&self) -> Option<Duration> {
        Some(TICK)
    }

    fn on_tick(
        &self,
        _state: &OutputState,
        idle: Duration,
    ) -> Result<Vec<HardwareCommand>, DeviceError> {
        let mut walk = self.walk();
        if !walk.active {
            return Ok(Vec::new());
        }
        let step = walk.step(Instant::now());
        Ok(if walk.sent != Some(step) || idle >= PING {
            walk.send(step)
        } else {
            Vec::new()
        })
    }

    /// The walk ends where it is; the pings end too.
    fn on_stop(&self, _feature: Option<u32>) {
        let mut walk = self.walk();
        let here = walk.at(Instant::now());
        walk.from = here;
        walk.to = here;
        walk.duration = Duration::ZERO;
        walk.active = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_is_linear_and_ends_at_the_goal() {
        let now = Instant::now();
        let walk = Walk {
            from: 4.0,
            to: 0.0,
            started: Some(now),
            duration: Duration::from_millis(400),
            ..Walk::default()
        };
        assert_eq!(walk.step(now), 4);
        assert_eq!(walk.step(now + Duration::from_millis(100)), 3);
        assert_eq!(walk.step(now + Duration::from_millis(250)), 2);
        assert_eq!(walk.step(now + Duration::from_secs(1)), 0);
    }
}
