//! Xuanhuan masturbator: `[0x03, 0x02, 0x00, s]` on `tx` with response. The toy stops on
//! its own unless the packet is repeated, so while the motor runs it is written again
//! 300 ms after the last write (from the device task's tick; a stop ends it).

use std::time::Duration;

use super::handler_kit::{byte, one_write, vibrate_level};
use super::packet_shapes::{Fixed, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{
    HardwareCommand, OutputChange, OutputState, OwnWrite, ProtocolHandler,
};
use crate::hardware::Endpoint;

const NAME: &str = "xuanhuan";
const REFRESH: Duration = Duration::from_millis(300);
/// How often the refresh is considered: a finer grain than the refresh itself, so it goes
/// out between 300 and 350 ms after the last write.
const TICK: Duration = Duration::from_millis(50);

fn packet(s: u8) -> Result<Vec<HardwareCommand>, DeviceError> {
    one_write(Endpoint::Tx, [0x03, 0x02, 0x00, s], true)
}

struct Xuanhuan;

impl ProtocolHandler for Xuanhuan {
    fn encode_output(&self, change: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
        packet(vibrate_level(NAME, change)?)
    }

    fn tick_interval(&self) -> Option<Duration> {
        Some(TICK)
    }

    fn on_tick(&self, state: &OutputState, idle: Duration) -> Result<OwnWrite, DeviceError> {
        let s = state.get(0, OutputType::Vibrate);
        if s == 0 || idle < REFRESH {
            return Ok(OwnWrite::default());
        }
        packet(byte(s)?).map(OwnWrite::from)
    }
}

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, _| Ok(std::sync::Arc::new(Xuanhuan))),
);
