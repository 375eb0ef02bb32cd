//! MyMuse Link Plus: the speed (1 slow, 2 medium, 3 fast) in `AA 55 06 01 01 01 s FF`, or
//! the off packet, to `tx` without response. Connecting buzzes the toy for 200 ms.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use super::handler_kit::{step_up_to, unsupported};
use super::packet_shapes::{PacketHandler, PacketPerOutput};
use crate::device::config::DeviceDefinition;
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{OutputChange, Protocol, ProtocolHandler};
use crate::hardware::{Endpoint, HardwareDevice};

const NAME: &str = "mymuselinkplus";
const OFF: [u8; 8] = [0xAA, 0x55, 0x06, 0xAA, 0x00, 0x00, 0x00, 0x00];
const BUZZ: Duration = Duration::from_millis(200);

fn speed(s: u8) -> [u8; 8] {
    [0xAA, 0x55, 0x06, 0x01, 0x01, 0x01, s, 0xFF]
}

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    if change.output != OutputType::Vibrate {
        return Err(unsupported(NAME, change));
    }
    Ok(match step_up_to(change, 3)? {
        0 => OFF.to_vec(),
        s => speed(s).to_vec(),
    })
}

pub(super) struct MyMuseLinkPlus;

#[async_trait]
impl Protocol for MyMuseLinkPlus {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn initialize(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        _definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        // A short buzz at the slowest speed shows the toy is connected.
        hw.write(Endpoint::Tx, &speed(1), false).await?;
        tokio::time::sleep(BUZZ).await;
        hw.write(Endpoint::Tx, &OFF, false).await?;
        Ok(PacketHandler::packets(PacketPerOutput::tx(encode)).shared())
    }
}
