//! Svakom Sam Neo: `rx` is subscribed on connect, then packets on `tx` without response.
//! - vibrate: `[0x12, 0x01, 0x03, 0x00, m, s]`; on second-generation toys (those with a
//!   `txmode` or a `firmware` characteristic) m = 0x04 while running and 0x00 when off,
//!   on first-generation toys m is always 0x05
//! - constrict (suction): `[0x12, 0x06, 0x01, s]`

use std::sync::Arc;

use async_trait::async_trait;

use super::handler_kit::{one_write, step_byte, unsupported};
use super::packet_shapes::PacketHandler;
use crate::device::config::DeviceDefinition;
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{Protocol, ProtocolHandler};
use crate::hardware::{Endpoint, HardwareDevice};

const NAME: &str = "svakom-sam";

pub struct SvakomSam;

#[async_trait]
impl Protocol for SvakomSam {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn initialize(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        _definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        hw.subscribe(Endpoint::Rx).await?;
        let endpoints = hw.endpoints();
        // A toy with only the firmware characteristic is driven as the second generation
        // too, though it may run at one speed only.
        let second_generation =
            endpoints.contains(&Endpoint::TxMode) || endpoints.contains(&Endpoint::Firmware);
        Ok(PacketHandler::each(move |c| {
            let s = step_byte(c)?;
            let packet = match c.output {
                OutputType::Vibrate => {
                    let mode = match (second_generation, s) {
                        (false, _) => 0x05,
                        (true, 0) => 0x00,
                        (true, _) => 0x04,
                    };
                    vec![0x12, 0x01, 0x03, 0x00, mode, s]
                }
                OutputType::Constrict => vec![0x12, 0x06, 0x01, s],
                _ => return Err(unsupported(NAME, c)),
            };
            one_write(Endpoint::Tx, packet, false)
        })
        .shared())
    }
}
