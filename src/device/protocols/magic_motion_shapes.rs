//! The 17-byte motor packet MagicMotion's newer toys share (magic-motion-2 and -4):
//! `10 FF 04 0A 32 V 00 04 08 A 64 00 04 08 B 64 01` to `tx`, where A and B are the two
//! motors' steps (0..100, as they are) and V tells the two protocols apart. Battery is the
//! standard BLE characteristic. No handshake.

use std::sync::Arc;

use async_trait::async_trait;

use super::handler_kit::{SimulatedToy, bytes_of, one_write};
use super::packet_shapes::{PacketHandler, Slots};
use crate::device::config::{DeviceDefinition, ProtocolDef};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{Protocol, ProtocolHandler};
use crate::hardware::simulated::{SimulatedDeviceSpec, SimulatedResponder};
use crate::hardware::{Endpoint, HardwareDevice};

/// One MagicMotion protocol generation.
pub(super) struct MagicMotion {
    pub name: &'static str,
    /// Byte 5 of the packet.
    pub variant: u8,
    pub with_response: bool,
    /// Whether a single-motor toy gets its value in both slots (else B stays 0).
    pub mirror_single: bool,
    /// The output kinds that take a slot (in feature order).
    pub outputs: &'static [OutputType],
}

/// The packet for motor steps `a` and `b`.
pub(super) fn motor_packet(variant: u8, a: u8, b: u8) -> Vec<u8> {
    vec![
        0x10, 0xFF, 0x04, 0x0A, 0x32, variant, 0x00, 0x04, 0x08, a, 0x64, 0x00, 0x04, 0x08, b,
        0x64, 0x01,
    ]
}

#[async_trait]
impl Protocol for MagicMotion {
    fn name(&self) -> &'static str {
        self.name
    }

    async fn initialize(
        &self,
        _hw: &Arc<dyn HardwareDevice>,
        definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        let slots = Slots::of(definition, self.outputs);
        let (variant, with_response) = (self.variant, self.with_response);
        let mirror = self.mirror_single && slots.len() == 1;
        let slots = slots.at_least(2);
        Ok(PacketHandler::all_motors(self.name, slots, move |values| {
            let bytes = bytes_of(values)?;
            let a = bytes[0];
            let b = if mirror { a } else { bytes[1] };
            one_write(Endpoint::Tx, motor_packet(variant, a, b), with_response)
        })
        .battery_byte(Endpoint::RxBleBattery)
        .shared())
    }

    fn simulated_responder(
        &self,
        _protocol: &ProtocolDef,
        spec: &SimulatedDeviceSpec,
    ) -> Option<Box<dyn SimulatedResponder>> {
        SimulatedToy::ble_battery(spec).boxed()
    }
}
