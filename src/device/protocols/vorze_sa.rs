//! Vorze SA family (A10 Cyclone SA, UFO SA/TW, Piston, Bach, Rocket, Omorfi): three-byte
//! packets to `tx`, written with response. There is no handshake; the configuration's
//! `protocol_variant` and the advertised name pick the packet family and device code.
//!
//! - single vibrator `[D, 0x03, s]`; single rotator `[D, 0x01, cw << 7 | speed]`;
//! - dual rotator `[0x05, L, R]` and dual vibrator `[0x09, s0, s1]` carry both motors;
//! - piston `[0x03, position, speed]`, the speed derived from the distance to the previous
//!   target and the requested duration.
//!
//! A rotation value >= 0 counts as clockwise, so a stopped rotor is sent as 0x80.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use super::handler_kit::{bytes_of, one_write, step_byte, unsupported};
use super::packet_shapes::{PacketHandler, Slots};
use crate::device::config::DeviceDefinition;
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{HardwareCommand, OutputChange, Protocol, ProtocolHandler};
use crate::hardware::{Endpoint, HardwareDevice};

const NAME: &str = "vorze-sa";
pub struct VorzeSa;

const CYCLONE: u8 = 0x01;
const UFO: u8 = 0x02;
const PISTON: u8 = 0x03;
const UFO_TW: u8 = 0x05;
const BACH: u8 = 0x06;
const ROCKET: u8 = 0x07;
const OMORFI: u8 = 0x09;

const ACTION_ROTATE: u8 = 0x01;
const ACTION_VIBRATE: u8 = 0x03;

fn tx(data: Vec<u8>) -> HardwareCommand {
    HardwareCommand::write(Endpoint::Tx, data, true)
}

/// A signed rotation as one byte: bit 7 set for clockwise (value >= 0), speed in bits 0..6.
fn rotation_byte(value: i32) -> Result<u8, DeviceError> {
    let speed = u8::try_from(value.unsigned_abs())
        .ok()
        .filter(|s| *s < 0x80)
        .ok_or_else(|| DeviceError::Protocol(format!("rotation {value} is beyond 127")))?;
    Ok(if value >= 0 { 0x80 | speed } else { speed })
}

/// The piston's speed byte for a move of `distance` steps taking `duration_ms`.
fn piston_speed(distance: u32, duration_ms: u32) -> u8 {
    if distance == 0 {
        return 100;
    }
    let distance = f64::from(distance.min(200));
    let scaled = 200.0 * f64::from(duration_ms) / distance;
    let speed = (scaled / 6658.0).powf(-1.21);
    // Clamped to 0..=100 first, so the conversion cannot overflow (NaN becomes 0).
    speed.clamp(0.0, 100.0) as u8
}

#[async_trait]
impl Protocol for VorzeSa {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn initialize(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        let name = hw.name().to_lowercase();
        let variant = definition.protocol_variant.as_deref().unwrap_or("");
        let not_implemented = || {
            DeviceError::Protocol(format!(
                "vorze-sa: {variant:?} is not implemented for {}",
                hw.name()
            ))
        };
        let single = |device| -> Arc<dyn ProtocolHandler> { Arc::new(Single { device }) };
        let combined = |kind, build: fn(&[i32]) -> Result<Vec<u8>, DeviceError>| {
            let slots = Slots::of(definition, &[kind]).at_least(2);
            PacketHandler::all_motors(NAME, slots, move |v| {
                one_write(Endpoint::Tx, build(v)?, true)
            })
            .shared()
        };
        Ok(match variant {
            "vorze-sa-single-rotator" if name.contains("cycsa") => single(CYCLONE),
            "vorze-sa-single-rotator" if name.contains("ufo") => single(UFO),
            "vorze-sa-single-vibrator" if name.contains("bach") => single(BACH),
            "vorze-sa-single-vibrator" if name.contains("rocket") => single(ROCKET),
            "vorze-sa-dual-vibrator" if name.contains("omor") => {
                combined(OutputType::Vibrate, |v| {
                    Ok([&[OMORFI][..], &bytes_of(v)?].concat())
                })
            }
            "vorze-sa-dual-rotator" => combined(OutputType::Rotate, |v| {
                let mut packet = vec![UFO_TW];
                for value in v {
                    packet.push(rotation_byte(*value)?);
                }
                Ok(packet)
            }),
            "vorze-sa-piston" => Arc::new(Piston {
                previous: Mutex::new(0),
            }),
            _ => return Err(not_implemented()),
        })
    }
}

/// One motor: vibrate `[D, 0x03, s]` or rotate `[D, 0x01, direction | speed]`.
struct Single {
    device: u8,
}

impl ProtocolHandler for Single {
    fn encode_output(&self, change: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
        let packet = match change.output {
            OutputType::Vibrate => vec![self.device, ACTION_VIBRATE, step_byte(change)?],
            OutputType::Rotate => vec![self.device, ACTION_ROTATE, rotation_byte(change.value)?],
            _ => return Err(unsupported(NAME, change)),
        };
        Ok(vec![tx(packet)])
    }
}

/// The Piston takes a target position and a speed; it remembers the previous target.
struct Piston {
    previous: Mutex<i32>,
}

impl ProtocolHandler for Piston {
    fn encode_output(&self, change: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
        if change.output != OutputType::HwPositionWithDuration {
            return Err(unsupported(NAME, change));
        }
        let position = step_byte(change)?;
        let mut previous = self.previous.lock().unwrap_or_else(|e| e.into_inner());
        let distance = previous.abs_diff(change.value);
        let speed = piston_speed(distance, change.duration.unwrap_or(0));
        *previous = change.value;
        Ok(vec![tx(vec![PISTON, position, speed])])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn piston_speeds() {
        assert_eq!(piston_speed(99, 1000), 4);
        assert_eq!(piston_speed(99, 500), 9);
        assert_eq!(piston_speed(50, 200), 12);
        assert_eq!(piston_speed(0, 300), 100);
        assert_eq!(piston_speed(99, 100), 68);
        assert_eq!(piston_speed(10, 2000), 0);
        assert_eq!(piston_speed(10, 0), 100);
    }

    #[test]
    fn rotation_bytes() {
        assert_eq!(rotation_byte(0), Ok(0x80));
        assert_eq!(rotation_byte(5), Ok(0x85));
        assert_eq!(rotation_byte(-50), Ok(0x32));
        assert_eq!(rotation_byte(99), Ok(0xE3));
        assert!(rotation_byte(128).is_err());
        assert!(rotation_byte(i32::MIN).is_err());
    }
}
