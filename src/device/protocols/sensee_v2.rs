//! Sensee v2: the device type is byte 6 of a read of `tx` at init. Every packet on `tx`
//! (without response) carries all motors grouped by kind (vibrate, thrust, suck) inside a
//! `55 AA F0` frame whose checksum field the reference leaves at zero.

use std::sync::Arc;

use async_trait::async_trait;

use super::handler_kit::{READ_TIMEOUT, SimulatedToy, byte, only};
use super::packet_shapes::PacketHandler;
use crate::device::config::{DeviceDefinition, ProtocolDef};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{HardwareCommand, Protocol, ProtocolHandler};
use crate::hardware::simulated::{SimulatedDeviceSpec, SimulatedResponder};
use crate::hardware::{Endpoint, HardwareDevice};

const NAME: &str = "sensee-v2";
const DEFAULT_TYPE: u8 = 0x65;
const TYPE_BYTE: usize = 6;
const MOTOR_CONTROL: u8 = 0xF1;
/// Group ids, in packet order.
const GROUPS: [(u8, OutputType); 3] = [
    (0x00, OutputType::Vibrate),
    (0x01, OutputType::Oscillate),
    (0x02, OutputType::Constrict),
];

pub struct SenseeV2;

/// Byte 6 of the init read when present and non-zero, else 0x65.
fn device_type(answer: &[u8]) -> u8 {
    match answer.get(TYPE_BYTE) {
        Some(t) if *t != 0 => *t,
        _ => DEFAULT_TYPE,
    }
}

#[async_trait]
impl Protocol for SenseeV2 {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn initialize(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        let device = device_type(&hw.read(Endpoint::Tx, READ_TIMEOUT).await?);
        // For each kind, the features that have it (in index order).
        let groups: Vec<(u8, OutputType, Vec<u32>)> = GROUPS
            .iter()
            .map(|(id, kind)| {
                let members = definition
                    .features
                    .iter()
                    .filter(|f| f.outputs.contains_key(kind))
                    .map(|f| f.index)
                    .collect::<Vec<_>>();
                (*id, *kind, members)
            })
            .filter(|(_, _, members)| !members.is_empty())
            .collect();
        Ok(PacketHandler::batch(move |changes, state| {
            only(NAME, changes, &GROUPS.map(|(_, kind)| kind))?;
            let mut body = vec![byte(groups.len() as i32)?];
            for (id, kind, members) in &groups {
                body.extend([*id, byte(members.len() as i32)?]);
                for (number, feature) in (1u8..).zip(members) {
                    body.extend([number, byte(state.get(*feature, *kind))?]);
                }
            }
            let length = byte(4 + body.len() as i32)?;
            let mut packet = vec![0x55, 0xAA, 0xF0, 0x02, 0x00, length, device, MOTOR_CONTROL];
            packet.extend(body);
            packet.extend([0x00, 0x00]);
            Ok(vec![HardwareCommand::write(Endpoint::Tx, packet, false)])
        })
        .shared())
    }

    fn simulated_responder(
        &self,
        _protocol: &ProtocolDef,
        spec: &SimulatedDeviceSpec,
    ) -> Option<Box<dyn SimulatedResponder>> {
        // The model, if given, is the device-type byte in hex.
        let mut answer = vec![0u8; TYPE_BYTE + 1];
        if let Some(t) = spec
            .model
            .as_deref()
            .and_then(|m| u8::from_str_radix(m, 16).ok())
        {
            answer[TYPE_BYTE] = t;
        }
        SimulatedToy::new().read(Endpoint::Tx, answer).boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_type_falls_back() {
        assert_eq!(device_type(&[0, 0, 0, 0, 0, 0, 0x66]), 0x66);
        assert_eq!(device_type(&[0, 0, 0, 0, 0, 0, 0x00]), 0x65);
        assert_eq!(device_type(&[0, 0, 0, 0, 0, 0]), 0x65);
        assert_eq!(device_type(&[]), 0x65);
    }
}
