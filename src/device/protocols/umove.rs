//! Umove (Mira, Vero, Nexo): the model is the third and fourth characters of the advertised
//! name (`UMVxB..` -> `Vx`). One 16-byte state packet on `tx` without response carries the
//! vibration level and the stroker position:
//! `[0x5A, 0xA5, 0x55, 0x00, vib (u16 LE), 0x01, 0x00, counter (u32 LE), position (u32 LE)]`,
//! the counter counting every state packet. A position is sent at once; a timed move is
//! walked there in steps, one packet every 100 ms, from the device task's tick. Heat is
//! `[0x5A, 0xA5, 0x55, 0x06, 0xFF, 0xFF, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, t, 0xFF]`.
//! The last packet is repeated after 500 ms without a write.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use super::handler_kit::{byte, duration_of, one_write, unsupported};
use super::packet_shapes::{Fixed, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{
    HardwareCommand, Keepalive, OutputChange, OutputState, ProtocolHandler,
};
use crate::hardware::Endpoint;

const NAME: &str = "umove";
const STEP: Duration = Duration::from_millis(100);
const KEEPALIVE: Duration = Duration::from_millis(500);

#[derive(Default)]
struct Motion {
    counter: u32,
    vibrate: u16,
    current: i32,
    goal: i32,
    /// How far each step of the running move goes (signed).
    step: i32,
}

impl Motion {
    fn moving(&self) -> bool {
        self.current != self.goal
    }

    fn packet(&mut self) -> Vec<HardwareCommand> {
        let mut data = vec![0x5A, 0xA5, 0x55, 0x00];
        data.extend(self.vibrate.to_le_bytes());
        data.extend(1u16.to_le_bytes());
        data.extend(self.counter.to_le_bytes());
        data.extend(self.current.unsigned_abs().to_le_bytes());
        self.counter = self.counter.wrapping_add(1);
        vec![HardwareCommand::write(Endpoint::Tx, data, false)]
    }

    /// Plans a move to `goal` in `duration_ms`, one step per 100 ms (at least one step, and
    /// each step at least one unit).
    fn plan(&mut self, goal: i32, duration_ms: u32) {
        self.goal = goal;
        let steps = i32::try_from((duration_ms / 100).max(1)).unwrap_or(i32::MAX);
        let distance = goal - self.current;
        self.step = distance / steps;
        if self.step == 0 {
            self.step = distance.signum();
        }
    }

    /// One step towards the goal, never past it.
    fn advance(&mut self) {
        let next = self.current + self.step;
        self.current = if self.step < 0 {
            next.max(self.goal)
        } else {
            next.min(self.goal)
        };
    }
}

struct Umove {
    motion: Mutex<Motion>,
    /// The stroker's feature index.
    stroker: Option<u32>,
}

impl Umove {
    fn motion(&self) -> MutexGuard<'_, Motion> {
        self.motion.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn encode(&self, change: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
        let mut motion = self.motion();
        match change.output {
            OutputType::Vibrate => {
                motion.vibrate = u16::try_from(change.value).map_err(|_| {
                    DeviceError::Protocol(format!("{NAME}: level {} out of range", change.value))
                })?;
                // A running move carries the new level with its next step.
                Ok(if motion.moving() {
                    Vec::new()
                } else {
                    motion.packet()
                })
            }
            OutputType::Position => {
                motion.goal = change.value;
                motion.current = change.value;
                Ok(motion.packet())
            }
            OutputType::HwPositionWithDuration => {
                motion.plan(change.value, duration_of(change)?);
                Ok(Vec::new())
            }
            OutputType::Temperature => {
                let mut data = vec![0x5A, 0xA5, 0x55, 0x06, 0xFF, 0xFF, 0x00, 0x00];
                data.extend([0xFF, 0xFF, 0xFF, 0xFF, byte(change.value)?, 0xFF]);
                one_write(Endpoint::Tx, data, false)
            }
            _ => Err(unsupported(NAME, change)),
        }
    }
}

impl ProtocolHandler for Umove {
    fn encode_output(&self, change: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
        self.encode(change)
    }

    fn keepalive(&self) -> Keepalive {
        Keepalive::RepeatLast(KEEPALIVE)
    }

    fn tick_interval(&self) -> Option<Duration> {
        Some(STEP)
    }

    fn on_tick(
        &self,
        _state: &OutputState,
        _idle: Duration,
    ) -> Result<Vec<HardwareCommand>, DeviceError> {
        let mut motion = self.motion();
        if !motion.moving() {
            return Ok(Vec::new());
        }
        motion.advance();
        Ok(motion.packet())
    }

    /// A stop of the stroker (or of everything) ends a running move where it is.
    fn on_stop(&self, feature: Option<u32>) {
        if feature.is_none() || feature == self.stroker {
            let mut motion = self.motion();
            motion.goal = motion.current;
        }
    }
}

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, definition| {
        let stroker = definition
            .features
            .iter()
            .find(|f| f.outputs.contains_key(&OutputType::HwPositionWithDuration))
            .map(|f| f.index);
        Ok(Arc::new(Umove {
            motion: Mutex::new(Motion::default()),
            stroker,
        }))
    }),
)
.identified_by(|name| name.get(2..4).map(str::to_string));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_step_to_the_goal_without_passing_it() {
        let mut m = Motion::default();
        m.plan(316, 300);
        let mut seen = Vec::new();
        while m.moving() {
            m.advance();
            seen.push(m.current);
        }
        assert_eq!(seen, [105, 210, 315, 316]);
        m.plan(310, 50);
        m.advance();
        assert_eq!(m.current, 310);
        m.plan(312, 1000);
        m.advance();
        assert_eq!(m.current, 311, "at least one unit per step");
    }
}
