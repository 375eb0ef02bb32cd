//! Hismith mini: the model is the `rxblemodel` bytes in hex (`[0x10, 0x05]` -> `"1005"`).
//! Every packet is `[0xCC, channel, value, value + channel]` on `tx` (without response);
//! the channel depends on the output and, for two-vibrator and pump models, the feature.

use std::sync::Arc;

use async_trait::async_trait;

use super::handler_kit::{READ_TIMEOUT, SimulatedToy, byte, simulated_model, unsupported};
use super::packet_shapes::PacketHandler;
use crate::device::config::{DeviceDefinition, ProtocolDef};
use crate::device::error::DeviceError;
use crate::device::feature::{DeviceFeature, OutputType};
use crate::device::protocol::{HardwareCommand, Protocol, ProtocolHandler};
use crate::hardware::simulated::{SimulatedDeviceSpec, SimulatedResponder};
use crate::hardware::{Endpoint, HardwareDevice, HardwareInfo};

const NAME: &str = "hismith-mini";
const MAIN: u8 = 0x03;
const SECOND: u8 = 0x05;
const DIRECTION: u8 = 0x01;
const SPRAY: u8 = 0x0B;

pub struct HismithMini;

fn hex(data: &[u8]) -> String {
    data.iter().map(|b| format!("{b:02x}")).collect()
}

/// `"1005"` -> `[0x10, 0x05]`; `None` for anything that is not whole hex bytes.
fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|b| u8::from_str_radix(b, 16).ok())
        })
        .collect()
}

fn packet(channel: u8, value: u8) -> HardwareCommand {
    HardwareCommand::write(
        Endpoint::Tx,
        [0xCC, channel, value, value.wrapping_add(channel)],
        false,
    )
}

#[async_trait]
impl Protocol for HismithMini {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn identify(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        _info: &HardwareInfo,
    ) -> Result<Option<String>, DeviceError> {
        let data = hw.read(Endpoint::RxBleModel, READ_TIMEOUT).await?;
        Ok(Some(hex(&data)))
    }

    async fn initialize(
        &self,
        _hw: &Arc<dyn HardwareDevice>,
        definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        // Features are in index order.
        let has = |f: &DeviceFeature, kind| f.outputs.contains_key(&kind);
        let features = &definition.features;
        let dual_vibe = features
            .iter()
            .filter(|f| has(f, OutputType::Vibrate))
            .count()
            >= 2;
        let second_constrict =
            features.iter().position(|f| has(f, OutputType::Constrict)) == Some(1);
        Ok(PacketHandler::each(move |c| {
            use OutputType::*;
            let value = byte(c.value.abs())?;
            Ok(match c.output {
                Oscillate => vec![packet(MAIN, value)],
                Vibrate if dual_vibe && c.feature != 1 => vec![packet(MAIN, value)],
                Vibrate => vec![packet(SECOND, value)],
                Constrict if second_constrict => vec![packet(SECOND, value)],
                Constrict => vec![packet(MAIN, value)],
                Rotate => {
                    let direction = if c.value >= 0 { 0xC0 } else { 0xC1 };
                    vec![packet(MAIN, value), packet(DIRECTION, direction)]
                }
                // The spray packet carries no level: level 0 (a stop) must not fire it.
                Spray if c.value == 0 => Vec::new(),
                Spray => vec![packet(SPRAY, 0x01)],
                _ => return Err(unsupported(NAME, c)),
            })
        })
        .shared())
    }

    fn simulated_responder(
        &self,
        protocol: &ProtocolDef,
        spec: &SimulatedDeviceSpec,
    ) -> Option<Box<dyn SimulatedResponder>> {
        let model = simulated_model(protocol, spec)
            .and_then(|m| unhex(&m))
            .unwrap_or_default();
        SimulatedToy::new()
            .read(Endpoint::RxBleModel, model)
            .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_hex_round_trip() {
        assert_eq!(hex(&[0x10, 0x05]), "1005");
        assert_eq!(hex(&[0x22, 0x05]), "2205");
        assert_eq!(unhex("2205"), Some(vec![0x22, 0x05]));
        assert_eq!(unhex("220"), None);
        assert_eq!(unhex("zz"), None);
    }
}
