//! MysteryVibe v2 (Tenuto Mini, Crescendo 2, Tenuto 2, Legato, Molto): `[0x03, 0x02, 0x40]`
//! to `txmode` (with response) on connect, then one byte per motor (steps 0..56) to
//! `txvibrate`, without response, every motor in every packet. The toy stops unless it
//! keeps hearing from the host: the last packet is repeated every 93 ms (all zeros until
//! the first command).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use super::packet_kit::{CombinedPacket, Slots, bytes_of};
use crate::device::config::DeviceDefinition;
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{Keepalive, Protocol, ProtocolHandler};
use crate::hardware::{Endpoint, HardwareDevice};

pub struct MysteryVibeV2;

const MODE: [u8; 3] = [0x03, 0x02, 0x40];
const KEEPALIVE: Duration = Duration::from_millis(93);

#[async_trait]
impl Protocol for MysteryVibeV2 {
    fn name(&self) -> &'static str {
        "mysteryvibe-v2"
    }

    async fn initialize(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        hw.write(Endpoint::TxMode, &MODE, true).await?;
        let slots = Slots::of(definition, &[OutputType::Vibrate]);
        Ok(Arc::new(CombinedPacket {
            endpoint: Endpoint::TxVibrate,
            keepalive: Keepalive::RepeatLast(KEEPALIVE),
            ..CombinedPacket::tx(slots, 0, Box::new(bytes_of))
        }))
    }
}
