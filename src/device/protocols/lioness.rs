//! Lioness: subscribe to `rx` and write a greeting on connect, then
//! `[0x02, 0xAA, 0xBB, 0xCC, 0xCC, level]` on `tx`. A toy not yet paired with the operating
//! system refuses the greeting; the error says how to pair it.

use std::sync::Arc;

use async_trait::async_trait;

use super::handler_kit::{one_write, vibrate_level};
use super::packet_shapes::PacketHandler;
use crate::device::config::DeviceDefinition;
use crate::device::error::DeviceError;
use crate::device::protocol::{Protocol, ProtocolHandler};
use crate::hardware::{Endpoint, HardwareDevice};

const NAME: &str = "lioness";
const GREETING: [u8; 6] = [0x01, 0xAA, 0xAA, 0xBB, 0xCC, 0x10];

pub(super) struct Lioness;

#[async_trait]
impl Protocol for Lioness {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn initialize(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        _definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        hw.subscribe(Endpoint::Rx).await?;
        if let Err(e) = hw.write(Endpoint::Tx, &GREETING, true).await {
            return Err(DeviceError::Protocol(format!(
                "{NAME}: the toy refused the greeting ({e}); it may need pairing with the \
                 operating system first, with PIN 6496 or 006496"
            )));
        }
        Ok(PacketHandler::each(|c| {
            let level = vibrate_level(NAME, c)?;
            one_write(Endpoint::Tx, [0x02, 0xAA, 0xBB, 0xCC, 0xCC, level], false)
        })
        .shared())
    }
}
