//! Vibratissimo: the model is the Device Information model number (text). Every vibrator's
//! step in one packet on `txvibrate` (a 0x00 after a single vibrator), each preceded by
//! `[0x03, 0xFF]` on `txmode`, both without response; the battery is the standard byte.

use std::sync::Arc;

use async_trait::async_trait;

use super::handler_kit::{READ_TIMEOUT, SimulatedToy, bytes_of, simulated_model};
use super::packet_shapes::{PacketHandler, Slots};
use crate::device::config::{DeviceDefinition, ProtocolDef};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{HardwareCommand, Protocol, ProtocolHandler};
use crate::hardware::simulated::{SimulatedDeviceSpec, SimulatedResponder};
use crate::hardware::{Endpoint, HardwareDevice, HardwareInfo};

const NAME: &str = "vibratissimo";
const WRITE_MODE: [u8; 2] = [0x03, 0xFF];

pub struct Vibratissimo;

#[async_trait]
impl Protocol for Vibratissimo {
    fn name(&self) -> &'static str {
        NAME
    }

    /// The model number as text; the advertised name when it is not text.
    async fn identify(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        info: &HardwareInfo,
    ) -> Result<Option<String>, DeviceError> {
        let data = hw.read(Endpoint::RxBleModel, READ_TIMEOUT).await?;
        Ok(Some(
            String::from_utf8(data).unwrap_or_else(|_| info.name.clone()),
        ))
    }

    async fn initialize(
        &self,
        _hw: &Arc<dyn HardwareDevice>,
        definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        let slots = Slots::of(definition, &[OutputType::Vibrate]).at_least(2);
        Ok(PacketHandler::all_motors(NAME, slots, |values| {
            Ok(vec![
                HardwareCommand::write(Endpoint::TxMode, WRITE_MODE, false),
                HardwareCommand::write(Endpoint::TxVibrate, bytes_of(values)?, false),
            ])
        })
        .battery_byte(Endpoint::RxBleBattery)
        .shared())
    }

    fn simulated_responder(
        &self,
        protocol: &ProtocolDef,
        spec: &SimulatedDeviceSpec,
    ) -> Option<Box<dyn SimulatedResponder>> {
        let model = simulated_model(protocol, spec).unwrap_or_default();
        SimulatedToy::ble_battery(spec)
            .read(Endpoint::RxBleModel, model.into_bytes())
            .boxed()
    }
}
