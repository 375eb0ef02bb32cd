//! Hgod: `[0x55, 0x04, 0, 0, 0, level]` on `tx` makes the toy vibrate for about 100 ms, so
//! a running level is sent again every 100 ms (from the device task's tick). Level 0 is
//! never sent: the toy stops when the packets stop.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::handler_kit::{level_byte, only};
use super::packet_shapes::{Fixed, Shape};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{
    HardwareCommand, OutputChange, OutputState, OwnWrite, ProtocolHandler,
};
use crate::hardware::Endpoint;

const NAME: &str = "hgod";
const REFRESH: Duration = Duration::from_millis(100);
/// How often the tick looks; a refresh goes out within this much of falling due.
const TICK: Duration = Duration::from_millis(20);

pub(super) const PROTOCOL: Fixed = Fixed::new(
    NAME,
    Shape::Custom(|_, _| {
        Ok(Arc::new(Hgod {
            running: AtomicBool::new(false),
        }))
    }),
);

struct Hgod {
    /// Set by a running level, cleared by a zero level or a stop: the refresh never
    /// outlives a stop, even one whose write failed.
    running: AtomicBool,
}

/// The packet for the current level, or nothing when the toy should be still.
fn packet(state: &OutputState) -> Result<Vec<HardwareCommand>, DeviceError> {
    let level = level_byte(state, 0)?;
    Ok(if level == 0 {
        Vec::new()
    } else {
        vec![HardwareCommand::write(
            Endpoint::Tx,
            [0x55, 0x04, 0x00, 0x00, 0x00, level],
            false,
        )]
    })
}

impl ProtocolHandler for Hgod {
    fn encode_outputs(
        &self,
        changes: &[OutputChange],
        state: &OutputState,
    ) -> Result<Vec<HardwareCommand>, DeviceError> {
        only(NAME, changes, &[OutputType::Vibrate])?;
        if changes.is_empty() {
            return Ok(Vec::new());
        }
        let packets = packet(state)?;
        self.running.store(!packets.is_empty(), Ordering::Release);
        Ok(packets)
    }

    fn tick_interval(&self) -> Option<Duration> {
        Some(TICK)
    }

    fn on_stop(&self, _feature: Option<u32>) {
        self.running.store(false, Ordering::Release);
    }

    fn on_tick(&self, state: &OutputState, idle: Duration) -> Result<OwnWrite, DeviceError> {
        if idle < REFRESH || !self.running.load(Ordering::Acquire) {
            return Ok(OwnWrite::default());
        }
        packet(state).map(OwnWrite::from)
    }
}
