//! Fredorch: a stroking machine driven over Modbus RTU frames (CRC-16/MODBUS, low byte
//! first). Connecting switches it to program mode, records a one-step program and sets it
//! running and repeating, each frame acknowledged on `rx`. A timed move then rewrites the
//! program's registers 0x6B..0x6F: speed, speed, position x 10, position x 10, 1, the speed
//! looked up from the machine's measured travel times for the distance and duration.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;

use super::handler_kit::{SimulatedToy, duration_of, step_byte, unsupported};
use crate::device::config::{DeviceDefinition, ProtocolDef};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{
    HardwareCommand, OutputChange, Protocol, ProtocolHandler, write_and_await,
};
use crate::hardware::simulated::{SimulatedDeviceSpec, SimulatedResponder};
use crate::hardware::{Endpoint, HardwareDevice, HardwareError, HardwareEvent};

const NAME: &str = "fredorch";
/// How long the machine gets to greet, and to acknowledge each handshake frame.
const ANSWER_TIMEOUT: Duration = Duration::from_millis(500);

/// The handshake frames, before their CRC: program mode on, record, a program of position 0
/// at speed 5, run it, repeat it.
const HANDSHAKE: [&[u8]; 5] = [
    &[0x01, 0x06, 0x00, 0x64, 0x00, 0x01],
    &[0x01, 0x06, 0x00, 0x69, 0x00, 0x00],
    &[
        0x01, 0x10, 0x00, 0x6B, 0x00, 0x05, 0x0A, 0x00, 0x05, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x01,
    ],
    &[0x01, 0x06, 0x00, 0x69, 0x00, 0x01],
    &[0x01, 0x06, 0x00, 0x6A, 0x00, 0x01],
];

/// Milliseconds the machine takes to travel `distance` (row, 1..15) at `speed` (column,
/// 1..20), as measured for the reference.
#[rustfmt::skip]
const TRAVEL_MS: [[u16; 20]; 15] = [
    /*  1 */ [1000,  800,  400,  235,  200,  172,  155,   92,   60,   45,   38,   34,   32,   28,   27,   26,   25,   24,   23,   22],
    /*  2 */ [1500, 1000,  800,  680,  600,  515,  425,  265,  165,  115,   80,   70,   50,   48,   45,   35,   34,   33,   32,   30],
    /*  3 */ [2500, 2310, 1135,  925,  792,  695,  565,  380,  218,  155,  105,   82,   70,   68,   65,   60,   48,   45,   43,   40],
    /*  4 */ [3000, 2800, 1500, 1155,  965,  810,  690,  465,  260,  195,  140,  110,   85,   75,   74,   73,   70,   65,   60,   55],
    /*  5 */ [3400, 3232, 2305, 1380, 1200, 1165,  972,  565,  328,  235,  162,  132,   98,   78,   75,   74,   73,   72,   71,   70],
    /*  6 */ [3500, 3350, 2500, 1640, 1250, 1210, 1010,  645,  385,  275,  175,  160,  115,   95,   91,   90,   85,   80,   77,   75],
    /*  7 */ [3600, 3472, 2980, 2060, 1560, 1275, 1132,  738,  430,  310,  230,  170,  128,  122,  110,  108,  105,  103,  101,  100],
    /*  8 */ [3800, 3500, 3055, 2105, 1740, 1370, 1290,  830,  490,  355,  235,  195,  150,  140,  135,  132,  130,  125,  120,  119],
    /*  9 */ [3900, 3518, 3190, 2315, 2045, 1510, 1442, 1045,  552,  392,  280,  225,  172,  145,  140,  138,  135,  134,  132,  130],
    /* 10 */ [6000, 5755, 3240, 2530, 2135, 1605, 1500, 1200,  595,  425,  285,  245,  175,  170,  160,  155,  150,  145,  142,  140],
    /* 11 */ [6428, 5872, 3335, 2780, 2270, 1782, 1590, 1310,  648,  470,  315,  255,  182,  180,  175,  172,  170,  162,  160,  155],
    /* 12 */ [6730, 5950, 3490, 2995, 2395, 1890, 1650, 1350,  700,  500,  350,  290,  220,  190,  185,  180,  175,  170,  165,  160],
    /* 13 */ [6962, 6122, 3880, 3205, 2465, 1900, 1700, 1400,  835,  545,  375,  310,  228,  195,  190,  185,  182,  181,  180,  175],
    /* 14 */ [7945, 6365, 4130, 3470, 2505, 1910, 1755, 1510,  855,  580,  400,  330,  235,  210,  205,  200,  195,  190,  185,  180],
    /* 15 */ [8048, 7068, 4442, 3708, 2668, 1930, 1800, 1520,  878,  618,  428,  365,  260,  255,  250,  240,  230,  220,  210,  200],
];

/// The fastest speed the machine knows.
const TOP_SPEED: u8 = 20;

/// CRC-16/MODBUS: reflected polynomial 0xA001, initial value 0xFFFF.
fn crc16_modbus(data: &[u8]) -> u16 {
    data.iter().fold(0xFFFFu16, |crc, byte| {
        (0..8).fold(crc ^ u16::from(*byte), |crc, _| {
            if crc & 1 != 0 {
                (crc >> 1) ^ 0xA001
            } else {
                crc >> 1
            }
        })
    })
}

/// A frame with its CRC appended, low byte first.
fn frame(body: &[u8]) -> Vec<u8> {
    let mut f = body.to_vec();
    f.extend(crc16_modbus(body).to_le_bytes());
    f
}

/// The speed for travelling `distance` positions in `duration_ms`: 0 for no travel, else the
/// slowest speed (1..19) whose travel time is below the duration, else the top speed.
fn speed_for(distance: u8, duration_ms: u32) -> u8 {
    let Some(row) = TRAVEL_MS.get(usize::from(distance.min(15)).wrapping_sub(1)) else {
        return 0;
    };
    row[..19]
        .iter()
        .position(|ms| u32::from(*ms) < duration_ms)
        .map_or(TOP_SPEED, |i| i as u8 + 1)
}

/// The program frame that moves to `position` (0..15) at `speed`.
fn move_frame(position: u8, speed: u8) -> Result<Vec<u8>, DeviceError> {
    let scaled = position
        .checked_mul(10)
        .ok_or_else(|| DeviceError::Protocol(format!("position {position} is past 25")))?;
    Ok(frame(&[
        0x01, 0x10, 0x00, 0x6B, 0x00, 0x05, 0x0A, 0x00, speed, 0x00, speed, 0x00, scaled, 0x00,
        scaled, 0x00, 0x01,
    ]))
}

pub struct Fredorch;

/// Waits up to [`ANSWER_TIMEOUT`] for the machine's greeting on `rx`; none is fine.
async fn greeting(
    mut events: tokio::sync::broadcast::Receiver<HardwareEvent>,
) -> Result<(), DeviceError> {
    let wait = async {
        loop {
            match events.recv().await {
                Ok(HardwareEvent::Notification {
                    endpoint: Endpoint::Rx,
                    ..
                }) => {
                    return Ok(());
                }
                Ok(HardwareEvent::Disconnected)
                | Err(tokio::sync::broadcast::error::RecvError::Closed) => {
                    return Err(HardwareError::Disconnected.into());
                }
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
            }
        }
    };
    tokio::time::timeout(ANSWER_TIMEOUT, wait)
        .await
        .unwrap_or(Ok(()))
}

#[async_trait]
impl Protocol for Fredorch {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn initialize(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        _definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        let events = hw.events();
        hw.subscribe(Endpoint::Rx).await?;
        greeting(events).await?;
        for body in HANDSHAKE {
            let write = HardwareCommand::write(Endpoint::Tx, frame(body), false);
            write_and_await(hw, write, Endpoint::Rx, ANSWER_TIMEOUT, |_| Some(()))
                .await
                .map_err(|e| match e {
                    DeviceError::Hardware(HardwareError::Timeout) => DeviceError::Protocol(
                        format!("{NAME}: no answer to handshake frame {body:02X?}"),
                    ),
                    other => other,
                })?;
        }
        Ok(Arc::new(FredorchHandler::default()))
    }

    fn simulated_responder(
        &self,
        _protocol: &ProtocolDef,
        _spec: &SimulatedDeviceSpec,
    ) -> Option<Box<dyn SimulatedResponder>> {
        // The machine echoes every frame it takes.
        SimulatedToy::new()
            .on_write(|endpoint, data| match endpoint {
                Endpoint::Tx => vec![(Endpoint::Rx, data.to_vec())],
                _ => Vec::new(),
            })
            .boxed()
    }
}

/// Remembers the last position sent, to know how far the next move travels.
#[derive(Default)]
struct FredorchHandler {
    position: Mutex<u8>,
}

impl ProtocolHandler for FredorchHandler {
    fn encode_output(&self, change: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
        if change.output != OutputType::HwPositionWithDuration {
            return Err(unsupported(NAME, change));
        }
        let target = step_byte(change)?;
        let duration = duration_of(change)?;
        let mut position = self.position.lock().unwrap_or_else(|e| e.into_inner());
        let speed = speed_for(position.abs_diff(target), duration);
        let packet = move_frame(target, speed)?;
        *position = target;
        Ok(vec![HardwareCommand::write(Endpoint::Tx, packet, false)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc16_modbus_check_value() {
        // The catalogue check value of CRC-16/MODBUS, and a textbook frame.
        assert_eq!(crc16_modbus(b"123456789"), 0x4B37);
        assert_eq!(
            frame(&[0x01, 0x06, 0x00, 0x01, 0x00, 0x03])[6..],
            [0x98, 0x0B]
        );
    }

    #[test]
    fn speeds_from_the_travel_table() {
        assert_eq!(speed_for(0, 10), 0);
        assert_eq!(speed_for(1, 1001), 1);
        assert_eq!(speed_for(1, 1000), 2);
        assert_eq!(speed_for(15, 500), 11);
        assert_eq!(speed_for(15, 1), TOP_SPEED);
        assert_eq!(speed_for(40, 5000), 3);
    }
}
