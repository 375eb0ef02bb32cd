//! F-Machine (Gigolo BT-R, Tremblr BT-R, Alpha): the BLE interface mirrors the remote's
//! buttons. Each button is an 18-byte packet `[command, 0x64, 0, 0, 0, 0, "1234", 0 x 7,
//! check]` written with response, a press followed by its release. The machine reports
//! nothing, so on/off and speed are tracked here: connecting taps speed-down 55 times to
//! bring the remembered speed to its minimum, then a mover (every 200 ms, the machine's own
//! step time) taps on/off and speed up/down towards the client's target.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;

use super::handler_kit::{Step, Stepper, unsupported};
use crate::device::config::DeviceDefinition;
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{
    HardwareCommand, OutputChange, OutputState, OwnWrite, Protocol, ProtocolHandler,
};
use crate::hardware::{Endpoint, HardwareDevice};

const NAME: &str = "fmachine";

const ON_OFF_PRESS: u8 = 0x01;
const ON_OFF_RELEASE: u8 = 0x02;
const SPEED_RELEASE: u8 = 0x03;
const SPEED_UP: u8 = 0x05;
const SPEED_DOWN: u8 = 0x06;

/// The machine changes speed by one step per 200 ms.
const STEP_TICK: Duration = Duration::from_millis(200);
/// Speed-down taps on connect: enough to bring any remembered speed to the minimum.
const NORMALISE_TAPS: usize = 55;
const NORMALISE_INTERVAL: Duration = Duration::from_millis(60);

/// The check byte over the first 17 bytes: from the number of set bits n, by n mod 3:
/// 0 -> 222 - n, 1 -> n / 2 + 111, 2 -> n / 3 + 177.
fn check_byte(data: &[u8]) -> u8 {
    let n: u32 = data.iter().map(|b| b.count_ones()).sum();
    let check = match n % 3 {
        0 => 222 - n,
        1 => n / 2 + 111,
        _ => n / 3 + 177,
    };
    check as u8
}

/// The packet of one button command.
fn packet(command: u8) -> Vec<u8> {
    let mut p = vec![
        command, 0x64, 0x00, 0x00, 0x00, 0x00, b'1', b'2', b'3', b'4',
    ];
    p.resize(17, 0x00);
    p.push(check_byte(&p));
    p
}

/// A button tap: the press, then the release.
fn tap(press: u8, release: u8) -> [HardwareCommand; 2] {
    [
        HardwareCommand::write(Endpoint::Tx, packet(press), true),
        HardwareCommand::write(Endpoint::Tx, packet(release), true),
    ]
}

pub struct FMachine;

#[async_trait]
impl Protocol for FMachine {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn initialize(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        _definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        // The machine may notify packets of the same shape; their meaning is unknown.
        hw.subscribe(Endpoint::Rx).await?;
        for _ in 0..NORMALISE_TAPS {
            for write in tap(SPEED_DOWN, SPEED_RELEASE) {
                write.run(hw.as_ref()).await?;
            }
            tokio::time::sleep(NORMALISE_INTERVAL).await;
        }
        Ok(Arc::new(FMachineHandler::default()))
    }
}

#[derive(Default)]
struct Machine {
    running: bool,
    speed: Stepper,
}

#[derive(Default)]
struct FMachineHandler {
    machine: Mutex<Machine>,
}

impl FMachineHandler {
    fn machine(&self) -> std::sync::MutexGuard<'_, Machine> {
        self.machine.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl ProtocolHandler for FMachineHandler {
    fn encode_output(&self, change: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
        if change.output != OutputType::Oscillate || change.feature != 0 {
            return Err(unsupported(NAME, change));
        }
        let mut machine = self.machine();
        machine.speed.target = change.value;
        if change.value == 0 && machine.running {
            // Off at once rather than on the next tick.
            machine.running = false;
            return Ok(tap(ON_OFF_PRESS, ON_OFF_RELEASE).into());
        }
        Ok(Vec::new())
    }

    fn tick_interval(&self) -> Option<Duration> {
        Some(STEP_TICK)
    }

    /// Taps on/off and the speed one step towards the target; reports the target once
    /// the machine is believed to be there.
    fn on_tick(&self, _state: &OutputState, _idle: Duration) -> Result<OwnWrite, DeviceError> {
        let mut machine = self.machine();
        let mut out = Vec::new();
        let wanted = machine.speed.target != 0;
        if machine.running != wanted {
            out.extend(tap(ON_OFF_PRESS, ON_OFF_RELEASE));
            machine.running = wanted;
        }
        match machine.speed.step() {
            Some(Step::Up) => out.extend(tap(SPEED_UP, SPEED_RELEASE)),
            Some(Step::Down) => out.extend(tap(SPEED_DOWN, SPEED_RELEASE)),
            None => {}
        }
        let own = OwnWrite::from(out);
        Ok(
            if machine.speed.current == machine.speed.target && machine.running == wanted {
                own.report(0, OutputType::Oscillate, machine.speed.target)
            } else {
                own
            },
        )
    }

    /// A speed reaches the machine through the tick's taps.
    fn carried_later(&self, change: &OutputChange) -> bool {
        change.value != 0
    }

    /// The machine reports nothing: if the last connection had it running, it is
    /// believed on, so the stop that follows the reconnect taps it off.
    fn resume(&self, last: &OutputState) {
        let mut machine = self.machine();
        machine.running = last.get(0, OutputType::Oscillate) != 0;
    }

    fn on_stop(&self, _feature: Option<u32>) {
        // The stop's zero switches the machine off; the mover then only steps the speed
        // down, which never starts it.
        self.machine().speed.target = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_bytes() {
        // 17 set bits: 17 mod 3 = 2 -> 17 / 3 + 177 = 182.
        assert_eq!(packet(ON_OFF_PRESS)[17], 0xB6);
        // 18 set bits: 18 mod 3 = 0 -> 222 - 18 = 204.
        assert_eq!(packet(SPEED_RELEASE)[17], 0xCC);
        // 16 set bits: 16 mod 3 = 1 -> 16 / 2 + 111 = 119.
        assert_eq!(check_byte(&[0xFF, 0xFF]), 119);
    }
}
