//! Satisfyer Connect: the model number comes from the advertisement's manufacturer data
//! (or the Device Information model characteristic) as a big-endian u32 in decimal. After
//! `[0x01]` on `command`, every packet on `tx` carries each motor's level four times, and
//! the last packet is repeated every 3 s or the toy stops on its own.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use super::handler_kit::{
    READ_TIMEOUT, SimulatedToy, level_byte, only, output_features, simulated_model,
};
use super::packet_shapes::PacketHandler;
use crate::device::config::{DeviceDefinition, ProtocolDef};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{HardwareCommand, Keepalive, Protocol, ProtocolHandler};
use crate::hardware::simulated::{SimulatedDeviceSpec, SimulatedResponder};
use crate::hardware::{Endpoint, HardwareDevice, HardwareIdentity, HardwareInfo};

const NAME: &str = "satisfyer";
const COMPANY: u16 = 93;
const KEEPALIVE: Duration = Duration::from_secs(3);

pub struct Satisfyer;

/// Exactly four bytes read as a big-endian number; anything else is model "0".
fn model_number(data: &[u8]) -> String {
    <[u8; 4]>::try_from(data)
        .map(u32::from_be_bytes)
        .unwrap_or(0)
        .to_string()
}

#[async_trait]
impl Protocol for Satisfyer {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn identify(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        info: &HardwareInfo,
    ) -> Result<Option<String>, DeviceError> {
        if let HardwareIdentity::Ble {
            manufacturer_data, ..
        } = &info.identity
        {
            if let Some((_, data)) = manufacturer_data.iter().find(|(c, _)| *c == COMPANY) {
                return Ok(Some(model_number(data)));
            }
        }
        let data = hw.read(Endpoint::RxBleModel, READ_TIMEOUT).await?;
        Ok(Some(model_number(&data)))
    }

    async fn initialize(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        HardwareCommand::write(Endpoint::Command, [0x01], true)
            .run(hw.as_ref())
            .await?;
        let motors = output_features(&definition.features);
        Ok(PacketHandler::batch(move |changes, state| {
            only(NAME, changes, &[OutputType::Vibrate])?;
            let mut packet = Vec::with_capacity(motors.len() * 4);
            for motor in &motors {
                packet.extend([level_byte(state, *motor)?; 4]);
            }
            Ok(vec![HardwareCommand::write(Endpoint::Tx, packet, false)])
        })
        .keepalive(Keepalive::RepeatLast(KEEPALIVE))
        .shared())
    }

    fn simulated_responder(
        &self,
        protocol: &ProtocolDef,
        spec: &SimulatedDeviceSpec,
    ) -> Option<Box<dyn SimulatedResponder>> {
        let model = simulated_model(protocol, spec)
            .and_then(|m| m.parse::<u32>().ok())
            .unwrap_or(0);
        SimulatedToy::new()
            .read(Endpoint::RxBleModel, model.to_be_bytes())
            .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_numbers() {
        assert_eq!(model_number(&[0x00, 0x00, 0x27, 0x15]), "10005");
        assert_eq!(model_number(&[0x00, 0x00, 0x27]), "0");
        assert_eq!(model_number(b"10005"), "0");
    }
}
