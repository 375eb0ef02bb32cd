//! Honey Play Box: framed packets (`02 A5 5A 55 AA F0`, counter, type, command, length,
//! data, `03`, CRC-16/MODBUS) on `tx`, written with response. A handshake on connect gets
//! a 16-byte random key in an `rx` notification; every motor frame carries all motors and
//! an MD5-based signature over the data, a shared secret and that key. The motors stop
//! after the 6 s each frame declares, so the current state is re-sent every 500 ms when
//! nothing else was sent.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use md5::{Digest, Md5};
use tokio::sync::broadcast;

use super::handler_kit::{
    SimulatedToy, battery_only, level_byte, only, output_features, read_battery_byte,
};
use crate::device::config::{DeviceDefinition, ProtocolDef};
use crate::device::error::DeviceError;
use crate::device::feature::{DeviceFeature, InputType, OutputType};
use crate::device::protocol::{
    HardwareCommand, OutputChange, OutputState, OwnWrite, Protocol, ProtocolHandler,
};
use crate::hardware::simulated::{SimulatedDeviceSpec, SimulatedResponder};
use crate::hardware::{Endpoint, HardwareDevice, HardwareError, HardwareEvent};

const NAME: &str = "honeyplaybox";
const HEADER: [u8; 6] = [0x02, 0xA5, 0x5A, 0x55, 0xAA, 0xF0];
const END: u8 = 0x03;
/// Header, counter, type, command and the two length bytes.
const PREFIX_LEN: usize = 11;
/// Everything but the data: prefix, end byte, CRC.
const FRAME_OVERHEAD: usize = 14;
const CLASS: u8 = 0xB1;
const HANDSHAKE: u8 = 0x01;
const MOTORS: u8 = 0x03;
const HANDSHAKE_DATA: [u8; 2] = [0x00, 0x10];
const SUCCESS: u16 = 0x9000;
const KEY_LEN: usize = 16;
/// Waits per handshake write, and how many waits may time out in all.
const WAITS_PER_WRITE: usize = 3;
const MAX_TIMEOUTS: u64 = 3;
const SECRET: [u8; 16] = [
    0x8B, 0xE3, 0xFD, 0x04, 0x68, 0x35, 0x09, 0x86, 0x12, 0x1A, 0xBF, 0x03, 0x30, 0xE9, 0xE3, 0xC5,
];
const SIGNATURE_LEN: usize = 8;
const KEEPALIVE_TICK: Duration = Duration::from_millis(100);
const KEEPALIVE_IDLE: Duration = Duration::from_millis(500);
const OUTPUTS: [OutputType; 3] = [
    OutputType::Vibrate,
    OutputType::Oscillate,
    OutputType::Rotate,
];

/// CRC-16/MODBUS: init 0xFFFF, reflected polynomial 0xA001, no final XOR.
fn crc16(data: &[u8]) -> u16 {
    data.iter().fold(0xFFFF, |crc, b| {
        (0..8).fold(crc ^ u16::from(*b), |c, _| {
            if c & 1 == 1 {
                (c >> 1) ^ 0xA001
            } else {
                c >> 1
            }
        })
    })
}

/// A complete frame around `data`.
fn frame(counter: u8, command: u8, data: &[u8]) -> Result<Vec<u8>, DeviceError> {
    let len = u16::try_from(data.len())
        .map_err(|_| DeviceError::Protocol(format!("{NAME}: frame data too long")))?;
    let mut covered = vec![CLASS, command];
    covered.extend(len.to_be_bytes());
    covered.extend_from_slice(data);
    let mut out = HEADER.to_vec();
    out.push(counter);
    out.extend(&covered);
    out.push(END);
    out.extend(crc16(&covered).to_be_bytes());
    Ok(out)
}

/// Cuts complete frames out of a stream of notification bytes.
#[derive(Default)]
struct Collector {
    buffer: Vec<u8>,
}

impl Collector {
    fn feed(&mut self, data: &[u8]) -> Vec<Vec<u8>> {
        self.buffer.extend_from_slice(data);
        let mut frames = Vec::new();
        loop {
            let Some(start) = self.buffer.windows(HEADER.len()).position(|w| w == HEADER) else {
                self.buffer.clear();
                return frames;
            };
            self.buffer.drain(..start);
            let Some(&[hi, lo]) = self.buffer.get(9..PREFIX_LEN) else {
                return frames;
            };
            let len = usize::from(u16::from_be_bytes([hi, lo]));
            let total = FRAME_OVERHEAD + len;
            match self.buffer.get(PREFIX_LEN + len) {
                None => return frames,
                Some(&END) if self.buffer.len() >= total => {
                    frames.push(self.buffer.drain(..total).collect());
                }
                Some(&END) => return frames,
                Some(_) => {
                    self.buffer.drain(..1);
                }
            }
        }
    }
}

/// What a handshake answer frame says.
#[derive(Debug, PartialEq)]
enum Answer {
    Key([u8; KEY_LEN]),
    /// Success, but too short to carry the key.
    Short,
    /// No response code at all.
    NoCode,
    Failed(u16),
}

fn read_answer(frame: &[u8]) -> Answer {
    let Some(&[hi, lo]) = frame.get(PREFIX_LEN..PREFIX_LEN + 2) else {
        return Answer::NoCode;
    };
    let code = u16::from_be_bytes([hi, lo]);
    if code != SUCCESS {
        return Answer::Failed(code);
    }
    frame
        .get(PREFIX_LEN + 2..PREFIX_LEN + 2 + KEY_LEN)
        .and_then(|k| <[u8; KEY_LEN]>::try_from(k).ok())
        .map_or(Answer::Short, Answer::Key)
}

/// Writes handshake frames until a notification on `rx` carries the key.
async fn handshake(hw: &Arc<dyn HardwareDevice>) -> Result<([u8; KEY_LEN], u8), DeviceError> {
    hw.subscribe(Endpoint::Rx).await?;
    let mut events = hw.events();
    let mut collector = Collector::default();
    let mut counter: u8 = 0;
    let mut timeouts: u64 = 0;
    loop {
        let request = frame(counter, HANDSHAKE, &HANDSHAKE_DATA)?;
        hw.write(Endpoint::Tx, &request, true).await?;
        counter = counter.wrapping_add(1);
        for _ in 0..WAITS_PER_WRITE {
            let wait = Duration::from_secs(timeouts + 1);
            let Ok(data) = tokio::time::timeout(wait, next_rx(&mut events)).await else {
                timeouts += 1;
                if timeouts > MAX_TIMEOUTS {
                    return Err(HardwareError::Timeout.into());
                }
                continue;
            };
            for answer in collector.feed(&data?) {
                match read_answer(&answer) {
                    Answer::Key(key) => return Ok((key, counter)),
                    Answer::Failed(code) => {
                        return Err(DeviceError::Protocol(format!(
                            "{NAME}: handshake refused with code {code:04X}"
                        )));
                    }
                    other => tracing::warn!("{NAME}: handshake answer without a key: {other:?}"),
                }
            }
        }
    }
}

async fn next_rx(events: &mut broadcast::Receiver<HardwareEvent>) -> Result<Vec<u8>, DeviceError> {
    loop {
        match events.recv().await {
            Ok(HardwareEvent::Notification {
                endpoint: Endpoint::Rx,
                data,
            }) => return Ok(data),
            Ok(HardwareEvent::Disconnected) | Err(broadcast::error::RecvError::Closed) => {
                return Err(HardwareError::Disconnected.into());
            }
            Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
        }
    }
}

pub struct HoneyPlayBox;

#[async_trait]
impl Protocol for HoneyPlayBox {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn initialize(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        let (key, counter) = handshake(hw).await?;
        let motors = output_features(&definition.features);
        let shared = Mutex::new(Motors {
            strengths: vec![0; motors.len()],
            packet_id: counter,
            key,
        });
        Ok(Arc::new(HoneyPlayBoxHandler { motors, shared }))
    }

    fn simulated_responder(
        &self,
        _protocol: &ProtocolDef,
        spec: &SimulatedDeviceSpec,
    ) -> Option<Box<dyn SimulatedResponder>> {
        // The session key the toy hands out: the spec's `key` (16 bytes), or 00 01 .. 0F.
        let key: Vec<u8> = spec
            .key
            .clone()
            .filter(|k| k.len() == KEY_LEN)
            .unwrap_or_else(|| (0..KEY_LEN as u8).collect());
        SimulatedToy::ble_battery(spec)
            .on_write(move |endpoint, data| {
                let is_handshake = endpoint == Endpoint::Tx
                    && data.starts_with(&HEADER)
                    && data.get(7..9) == Some(&[CLASS, HANDSHAKE][..]);
                let counter = data.get(6).copied().unwrap_or(0);
                // Success code, then the key; sent in two notifications.
                let mut answer = SUCCESS.to_be_bytes().to_vec();
                answer.extend(&key);
                match frame(counter, HANDSHAKE, &answer) {
                    Ok(reply) if is_handshake => {
                        let (first, second) = reply.split_at(reply.len() / 2);
                        vec![
                            (Endpoint::Rx, first.to_vec()),
                            (Endpoint::Rx, second.to_vec()),
                        ]
                    }
                    _ => Vec::new(),
                }
            })
            .boxed()
    }
}

/// The motor state: what every frame (command or refresh) carries.
struct Motors {
    strengths: Vec<u8>,
    packet_id: u8,
    key: [u8; KEY_LEN],
}

impl Motors {
    /// The next motor frame: every motor, signed, under the next packet id.
    fn next_frame(&mut self) -> Result<Vec<u8>, DeviceError> {
        let mut data = Vec::with_capacity(self.strengths.len() * 8 + SIGNATURE_LEN);
        for (position, strength) in (0u8..).zip(&self.strengths) {
            // Work mode 1 at this motor position, 6 s (60 x 100 ms), frequency 0.
            data.extend([
                (position << 4) | 0x01,
                0x00,
                0x05,
                0x00,
                0x3C,
                0x00,
                0x00,
                *strength,
            ]);
        }
        let signed_len = u16::try_from(data.len() + SIGNATURE_LEN)
            .map_err(|_| DeviceError::Protocol(format!("{NAME}: too many motors")))?;
        let mut digest = Md5::new();
        digest.update([CLASS, MOTORS]);
        digest.update(signed_len.to_be_bytes());
        digest.update(&data);
        digest.update(SECRET);
        digest.update(self.key);
        data.extend(digest.finalize().iter().take(SIGNATURE_LEN));
        self.packet_id = self.packet_id.wrapping_add(1);
        frame(self.packet_id, MOTORS, &data)
    }
}

fn lock(shared: &Mutex<Motors>) -> std::sync::MutexGuard<'_, Motors> {
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

struct HoneyPlayBoxHandler {
    /// Output feature indices, one motor each, in motor-position order.
    motors: Vec<u32>,
    shared: Mutex<Motors>,
}

#[async_trait]
impl ProtocolHandler for HoneyPlayBoxHandler {
    fn tick_interval(&self) -> Option<Duration> {
        Some(KEEPALIVE_TICK)
    }

    /// Re-sends the motor state whenever nothing was written for 500 ms (the toy ends a
    /// motor frame's work after a few seconds).
    fn on_tick(&self, _state: &OutputState, idle: Duration) -> Result<OwnWrite, DeviceError> {
        if idle < KEEPALIVE_IDLE {
            return Ok(OwnWrite::default());
        }
        let frame = lock(&self.shared).next_frame()?;
        Ok(vec![HardwareCommand::write(Endpoint::Tx, frame, true)].into())
    }

    fn encode_outputs(
        &self,
        changes: &[OutputChange],
        state: &OutputState,
    ) -> Result<Vec<HardwareCommand>, DeviceError> {
        only(NAME, changes, &OUTPUTS)?;
        let strengths = self
            .motors
            .iter()
            .map(|m| level_byte(state, *m))
            .collect::<Result<Vec<u8>, _>>()?;
        let mut motors = lock(&self.shared);
        motors.strengths = strengths;
        Ok(vec![HardwareCommand::write(
            Endpoint::Tx,
            motors.next_frame()?,
            true,
        )])
    }

    async fn read_input(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        feature: &DeviceFeature,
        input: InputType,
    ) -> Result<i32, DeviceError> {
        battery_only(feature, input)?;
        read_battery_byte(hw, Endpoint::RxBleBattery).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_check_value() {
        assert_eq!(crc16(b"123456789"), 0x4B37);
    }

    #[test]
    fn handshake_frame() {
        assert_eq!(
            frame(0, HANDSHAKE, &HANDSHAKE_DATA).unwrap(),
            [
                0x02, 0xA5, 0x5A, 0x55, 0xAA, 0xF0, 0x00, 0xB1, 0x01, 0x00, 0x02, 0x00, 0x10, 0x03,
                0x36, 0x86
            ]
        );
    }

    #[test]
    fn collector_finds_frames_in_pieces_and_noise() {
        let one = frame(7, HANDSHAKE, &[0x90, 0x00]).unwrap();
        let mut stream = vec![0xEE, 0x02];
        stream.extend(&one);
        stream.extend(&one);
        let mut c = Collector::default();
        assert!(c.feed(&stream[..9]).is_empty());
        assert_eq!(c.feed(&stream[9..]), vec![one.clone(), one.clone()]);
        // A header whose end byte is wrong is skipped.
        let mut broken = one.clone();
        broken[13] = 0x00;
        broken.extend(&one);
        assert_eq!(c.feed(&broken), vec![one]);
    }

    #[test]
    fn answers() {
        let mut data = vec![0x90, 0x00];
        data.extend(0..16u8);
        let key: [u8; 16] = core::array::from_fn(|i| i as u8);
        assert_eq!(read_answer(&frame(0, 1, &data).unwrap()), Answer::Key(key));
        assert_eq!(
            read_answer(&frame(0, 1, &[0x90, 0x00]).unwrap()),
            Answer::Short
        );
        assert_eq!(
            read_answer(&frame(0, 1, &[0x6A, 0x80]).unwrap()),
            Answer::Failed(0x6A80)
        );
        assert_eq!(read_answer(&HEADER), Answer::NoCode);
    }
}
