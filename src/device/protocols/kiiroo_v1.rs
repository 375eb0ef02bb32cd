//! Kiiroo v1 (Pearl, Onyx): subscribe to `rx`, `[0x01, 0x00]` to `command` and `"0,"` to
//! `tx` on connect, then ASCII `"n,\n"` on `tx`. The Pearl's n is its vibration level. The
//! Onyx's positions are inverted (n = 4 - step) and it has no timed move of its own: the
//! kit's mover walks it towards the goal over the move's duration from the device task's
//! tick (every 50 ms, sending a step when it changes), and while it is in use its position
//! is sent again every 500 ms when nothing else was.
//!
//! There is no kiiroo-v1 handler in the current reference server; this follows the older
//! C# one.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use super::handler_kit::{Mover, duration_of, one_write, unsupported, vibrate_level};
use super::packet_shapes::{Fixed, PacketHandler, Shape};
use crate::device::config::DeviceDefinition;
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{
    HardwareCommand, OutputChange, OutputState, OwnWrite, ProtocolHandler,
};
use crate::hardware::{Endpoint, HardwareDevice};

const NAME: &str = "kiiroo-v1";
/// The Onyx's top step.
const TOP: i32 = 4;
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

/// The Onyx's move, in the client's steps (0..4), walked by the kit's mover.
#[derive(Default)]
struct Walk {
    mover: Mover,
    /// The step last sent.
    sent: Option<i32>,
    /// A move was asked for since the last stop: the tick walks and pings.
    active: bool,
}

impl Walk {
    fn send(&mut self, step: i32) -> Vec<HardwareCommand> {
        self.sent = Some(step);
        // Inverted: the Onyx's 0 is the client's top; `step` is within 0..=4.
        let n = u8::try_from(TOP - step.clamp(0, TOP)).unwrap_or(0);
        vec![HardwareCommand::write(Endpoint::Tx, packet(n), false)]
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
        if !(0..=TOP).contains(&c.value) {
            return Err(DeviceError::ValueOutOfRange {
                feature: c.feature,
                output: c.output,
                value: c.value,
                lo: 0,
                hi: TOP,
            });
        }
        let mut walk = self.walk();
        walk.active = true;
        if duration.is_zero() {
            walk.mover.jump(c.value);
            return Ok(if walk.sent == Some(c.value) {
                Vec::new()
            } else {
                walk.send(c.value)
            });
        }
        walk.mover.start(c.feature, c.value, duration, TICK);
        Ok(Vec::new())
    }

    fn tick_interval(&self) -> Option<Duration> {
        Some(TICK)
    }

    fn carried_later(&self, c: &OutputChange) -> bool {
        self.walk().mover.moving() && c.output == OutputType::HwPositionWithDuration
    }

    /// Walks a running move, and while in use sends the position again every 500 ms
    /// when nothing else was.
    fn on_tick(&self, _state: &OutputState, idle: Duration) -> Result<OwnWrite, DeviceError> {
        let mut walk = self.walk();
        if !walk.active {
            return Ok(OwnWrite::default());
        }
        let stride = walk.mover.advance();
        let step = walk.mover.at();
        let commands = if walk.sent != Some(step) || idle >= PING {
            walk.send(step)
        } else {
            Vec::new()
        };
        let own = OwnWrite::from(commands);
        Ok(match stride {
            Some(s) if s.arrived => own.report(
                walk.mover.feature(),
                OutputType::HwPositionWithDuration,
                step,
            ),
            _ => own,
        })
    }

    /// The walk ends where it is; the pings end too.
    fn on_stop(&self, _feature: Option<u32>) {
        let mut walk = self.walk();
        walk.mover.halt();
        walk.active = false;
    }
}
