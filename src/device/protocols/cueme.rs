//! Cueme: one byte addresses one motor, `(motor << 4) | level` (motor = feature index + 1,
//! plain `0x00` for off). As only one motor can run at a time, when several have a level
//! the toy is switched to the next running motor every 500 ms. The model is the third
//! part of the advertised name (`FUNCODE_xx_3` -> `3`).
//!
//! There is no Cueme handler in the current reference server; this follows the older C#
//! one, except that a command always sends a running motor's byte when there is one.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::device::config::DeviceDefinition;
use crate::device::error::DeviceError;
use crate::device::protocol::{
    HardwareCommand, OutputChange, OutputState, OwnWrite, ProtocolHandler,
};
use crate::hardware::{Endpoint, HardwareDevice};

use super::handler_kit::bytes_of;
use super::packet_shapes::{Fixed, Shape, Slots};
use crate::device::feature::OutputType;

const NAME: &str = "cueme";
const MAX_MOTORS: usize = 15;
const SWITCH_EVERY: Duration = Duration::from_millis(500);
const TICK: Duration = Duration::from_millis(50);

pub(super) const CUEME: Fixed =
    Fixed::new(NAME, Shape::Custom(Cueme::start)).identified_by(model_from_name);

fn model_from_name(name: &str) -> Option<String> {
    let parts: Vec<&str> = name.split('_').collect();
    Some(match parts.as_slice() {
        [_, _, model] => model.to_string(),
        _ => "Unknown".to_string(),
    })
}

struct Cueme {
    motors: Slots,
    turns: Mutex<Turns>,
}

/// Each motor's level, and whose turn it is.
#[derive(Default)]
struct Turns {
    levels: Vec<u8>,
    current: usize,
}

impl Turns {
    fn running(&self) -> usize {
        self.levels.iter().filter(|l| **l != 0).count()
    }

    /// Moves to the next running motor after the current one (wrapping), if any runs.
    fn advance(&mut self) {
        let count = self.levels.len();
        if let Some(next) = (1..=count)
            .map(|step| (self.current + step) % count)
            .find(|i| self.levels.get(*i).is_some_and(|l| *l != 0))
        {
            self.current = next;
        }
    }

    /// The byte for the current motor.
    fn byte(&self) -> u8 {
        match self.levels.get(self.current) {
            // Motor numbers fit in the high nibble: `encode_outputs` allows at most 15.
            Some(&level) if level != 0 => (((self.current + 1) as u8) << 4) | level,
            _ => 0x00,
        }
    }
}

fn write(byte: u8) -> HardwareCommand {
    HardwareCommand::write(Endpoint::Tx, [byte], false)
}

impl Cueme {
    fn start(
        _hw: &Arc<dyn HardwareDevice>,
        definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        let motors = Slots::of(definition, &[OutputType::Vibrate]);
        Ok(Arc::new(Cueme {
            turns: Mutex::new(Turns {
                levels: vec![0; motors.len()],
                current: 0,
            }),
            motors,
        }))
    }

    fn turns(&self) -> MutexGuard<'_, Turns> {
        self.turns.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl ProtocolHandler for Cueme {
    fn tick_interval(&self) -> Option<Duration> {
        Some(TICK)
    }

    /// Every 500 ms without a write, the next running motor gets its turn, while more
    /// than one runs.
    fn on_tick(&self, _state: &OutputState, idle: Duration) -> Result<OwnWrite, DeviceError> {
        let mut turns = self.turns();
        if idle < SWITCH_EVERY || turns.running() < 2 {
            return Ok(OwnWrite::default());
        }
        turns.advance();
        Ok(vec![write(turns.byte())].into())
    }

    fn encode_outputs(
        &self,
        changes: &[OutputChange],
        state: &OutputState,
    ) -> Result<Vec<HardwareCommand>, DeviceError> {
        if self.motors.len() > MAX_MOTORS {
            return Err(DeviceError::Protocol(format!(
                "{NAME}: a byte addresses at most {MAX_MOTORS} motors"
            )));
        }
        self.motors.check(NAME, changes)?;
        let levels = bytes_of(&self.motors.values(state))?;
        if let Some(level) = levels.iter().find(|l| **l > 15) {
            return Err(DeviceError::Protocol(format!(
                "{NAME}: level {level} is above 15"
            )));
        }
        let b = {
            let mut turns = self.turns();
            turns.levels = levels;
            if turns.running() == 0 {
                turns.current = 0;
            } else if turns.levels.get(turns.current) == Some(&0) {
                turns.advance();
            }
            turns.byte()
        };
        Ok(vec![write(b)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_from_names() {
        assert_eq!(model_from_name("FUNCODE_AB_3"), Some("3".into()));
        assert_eq!(model_from_name("FUNCODE_AB"), Some("Unknown".into()));
    }

    #[test]
    fn turns_go_round_the_running_motors() {
        let mut turns = Turns {
            levels: vec![8, 0, 15, 0],
            current: 0,
        };
        assert_eq!(turns.byte(), 0x18);
        turns.advance();
        assert_eq!(turns.byte(), 0x3F);
        turns.advance();
        assert_eq!(turns.byte(), 0x18);
    }
}
