//! Hismith (legacy models: Sex Machine, Pro Traveler, Capsule, Thrusting Cup, G011, Wildolo).
//!
//! Identification reads the model code from `rxblemodel`; its bytes as lower-case hex
//! (`10 01` -> "1001") are the configuration identifier. Models outside the legacy list
//! belong to the hismith-mini protocol.
//!
//! Outputs: `[0xAA, id, v, v + id]` to `tx`, without response (the last byte is an 8-bit
//! sum). Oscillation and the main motor use id 0x04; the on/off vibrator of the Thrusting
//! Cup and G011 (a vibrate feature other than 0) uses id 0x06 with 0xF0 meaning off.

use std::fmt::Write;
use std::sync::Arc;

use async_trait::async_trait;

use super::handler_kit::{READ_TIMEOUT, step_byte, unsupported};
use super::packet_shapes::{PacketHandler, PacketPerOutput};
use crate::device::config::{DeviceDefinition, ProtocolDef};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{OutputChange, Protocol, ProtocolHandler};
use crate::hardware::simulated::{SimulatedDeviceSpec, SimulatedResponder};
use crate::hardware::{Endpoint, HardwareDevice, HardwareInfo};

const NAME: &str = "hismith";

pub struct Hismith;

const LEGACY_MODELS: [&str; 6] = ["1001", "1002", "1003", "3001", "2001", "1006"];

const MAIN_MOTOR: u8 = 0x04;
const SECOND_VIBRATOR: u8 = 0x06;
const VIBRATOR_OFF: u8 = 0xF0;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn packet(id: u8, value: u8) -> Vec<u8> {
    vec![0xAA, id, value, value.wrapping_add(id)]
}

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    let s = step_byte(change)?;
    match (change.output, change.feature) {
        (OutputType::Oscillate, _) | (OutputType::Vibrate, 0) => Ok(packet(MAIN_MOTOR, s)),
        (OutputType::Vibrate, _) => Ok(packet(
            SECOND_VIBRATOR,
            if s == 0 { VIBRATOR_OFF } else { s },
        )),
        _ => Err(unsupported(NAME, change)),
    }
}

#[async_trait]
impl Protocol for Hismith {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn identify(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        _info: &HardwareInfo,
    ) -> Result<Option<String>, DeviceError> {
        let model = hw.read(Endpoint::RxBleModel, READ_TIMEOUT).await?;
        Ok(Some(hex(&model)))
    }

    fn hand_over(&self, identifier: &str) -> Option<&'static str> {
        (!LEGACY_MODELS.contains(&identifier)).then_some("hismith-mini")
    }

    async fn initialize(
        &self,
        _hw: &Arc<dyn HardwareDevice>,
        _definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        Ok(PacketHandler::packets(PacketPerOutput::tx(encode)).shared())
    }

    fn simulated_responder(
        &self,
        _protocol: &ProtocolDef,
        spec: &SimulatedDeviceSpec,
    ) -> Option<Box<dyn SimulatedResponder>> {
        let default = if spec.name == "Wildolo" {
            "3001"
        } else {
            "1001"
        };
        let code = spec.model.as_deref().unwrap_or(default);
        let model = (0..code.len())
            .step_by(2)
            .map(|i| {
                code.get(i..i + 2)
                    .and_then(|d| u8::from_str_radix(d, 16).ok())
            })
            .collect::<Option<Vec<u8>>>()
            .unwrap_or_else(|| vec![0x10, 0x01]);
        Some(Box::new(SimulatedHismith { model }))
    }
}

/// A simulated Hismith: its only answer is the model code.
struct SimulatedHismith {
    model: Vec<u8>,
}

impl SimulatedResponder for SimulatedHismith {
    fn on_write(&mut self, _endpoint: Endpoint, _data: &[u8]) -> Vec<(Endpoint, Vec<u8>)> {
        Vec::new()
    }

    fn on_read(&mut self, endpoint: Endpoint) -> Option<Vec<u8>> {
        (endpoint == Endpoint::RxBleModel).then(|| self.model.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_codes() {
        assert_eq!(hex(&[0x10, 0x01]), "1001");
        assert_eq!(hex(&[0x20, 0x06]), "2006");
        assert_eq!(hex(&[0xAB]), "ab");
        assert_eq!(Hismith.hand_over("2001"), None);
        assert_eq!(Hismith.hand_over("2006"), Some("hismith-mini"));
    }
}
