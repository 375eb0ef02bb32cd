//! Kiiroo v2 vibrators (Pearl 2, OhMiBod Fuse, PornHub Virtual Rabbit and Blowbot, Titan):
//! every packet is `[v0, v1, v2]`, the three motors' current steps (0..100), written to
//! `tx` without response. Toys with fewer motors keep the unused slots at 0.

use std::sync::Arc;

use async_trait::async_trait;

use super::packet_kit::{CombinedPacket, Slots, bytes_of};
use crate::device::config::DeviceDefinition;
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{Protocol, ProtocolHandler};
use crate::hardware::HardwareDevice;

pub struct KiirooV2Vibrator;

#[async_trait]
impl Protocol for KiirooV2Vibrator {
    fn name(&self) -> &'static str {
        "kiiroo-v2-vibrator"
    }

    async fn initialize(
        &self,
        _hw: &Arc<dyn HardwareDevice>,
        definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        Ok(Arc::new(CombinedPacket::tx(
            Slots::of(definition, &[OutputType::Vibrate]),
            3,
            Box::new(bytes_of),
        )))
    }
}
