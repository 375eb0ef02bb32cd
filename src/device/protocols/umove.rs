//! Umove (Mira, Vero, Nexo): the model is the third and fourth characters of the advertised
//! name (`UMVxB..` -> `Vx`). One 16-byte state packet on `tx` without response carries the
//! vibration level and the stroker position:
//! `[0x5A, 0xA5, 0x55, 0x00, vib (u16 LE), 0x01, 0x00, counter (u32 LE), position (u32 LE)]`,
//! the counter counting every state packet. A position is sent at once; a timed move is
//! walked there by the kit's [`Mover`], one packet every 100 ms from the device task's
//! tick, arriving when the move's duration ends; a level set during a move rides on the
//! next step's packet. Each tick reports the level (and the goal, on arrival) to the
//! device task, so the keepalive repeats the real last packet and a stop knows the level. Heat is
//! `[0x5A, 0xA5, 0x55, 0x06, 0xFF, 0xFF, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, t, 0xFF]`.
//! The last packet is repeated after 500 ms without a write.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use super::handler_kit::{Mover, byte, duration_of, one_write, unsupported};
use super::packet_shapes::{Fixed, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{
    HardwareCommand, Keepalive, OutputChange, OutputState, OwnWrite, ProtocolHandler,
};
use crate::hardware::Endpoint;

const NAME: &str = "umove";
const STEP: Duration = Duration::from_millis(100);
const KEEPALIVE: Duration = Duration::from_millis(500);

#[derive(Default)]
struct Motion {
    counter: u32,
    vibrate: u16,
    mover: Mover,
}

impl Motion {
    /// The state packet: the level and where the stroker is.
    fn packet(&mut self) -> Vec<HardwareCommand> {
        let mut data = vec![0x5A, 0xA5, 0x55, 0x00];
        data.extend(self.vibrate.to_le_bytes());
        data.extend(1u16.to_le_bytes());
        data.extend(self.counter.to_le_bytes());
        data.extend(self.mover.at().unsigned_abs().to_le_bytes());
        self.counter = self.counter.wrapping_add(1);
        vec![HardwareCommand::write(Endpoint::Tx, data, false)]
    }
}

struct Umove {
    motion: Mutex<Motion>,
    /// The vibrator's feature index (its level rides on every state packet).
    vibrator: Option<u32>,
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
                Ok(if motion.mover.moving() {
                    Vec::new()
                } else {
                    motion.packet()
                })
            }
            OutputType::Position => {
                motion.mover.jump(change.value);
                Ok(motion.packet())
            }
            OutputType::HwPositionWithDuration => {
                let duration = Duration::from_millis(u64::from(duration_of(change)?));
                motion
                    .mover
                    .start(change.feature, change.value, duration, STEP);
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

    /// A move's level change and the move itself reach the toy in the tick's packets.
    fn carried_later(&self, change: &OutputChange) -> bool {
        match change.output {
            OutputType::HwPositionWithDuration => true,
            OutputType::Vibrate => self.motion().mover.moving(),
            _ => false,
        }
    }

    /// One step of a running move per tick, in a state packet that also carries the level.
    fn on_tick(&self, _state: &OutputState, _idle: Duration) -> Result<OwnWrite, DeviceError> {
        let mut motion = self.motion();
        let Some(stride) = motion.mover.advance() else {
            return Ok(OwnWrite::default());
        };
        let mut own = OwnWrite::from(motion.packet());
        if let Some(f) = self.vibrator {
            own = own.report(f, OutputType::Vibrate, i32::from(motion.vibrate));
        }
        if stride.arrived {
            own = own.report(
                motion.mover.feature(),
                OutputType::HwPositionWithDuration,
                stride.position,
            );
        }
        Ok(own)
    }

    /// A stop of the stroker (or of everything) ends a running move where it is.
    fn on_stop(&self, feature: Option<u32>) {
        if feature.is_none() || feature == self.stroker {
            self.motion().mover.halt();
        }
    }
}

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, definition| {
        let with = |output| {
            definition
                .features
                .iter()
                .find(|f| f.outputs.contains_key(&output))
                .map(|f| f.index)
        };
        Ok(Arc::new(Umove {
            motion: Mutex::new(Motion::default()),
            vibrator: with(OutputType::Vibrate),
            stroker: with(OutputType::HwPositionWithDuration),
        }))
    }),
)
.identified_by(|name| name.get(2..4).map(str::to_string));
