//! Lelo F1s V2: a pairing handshake on connect, then both motors in one packet.
//!
//! Pairing happens on the `whitelist` characteristic when the toy has one (else on
//! `generic0`, and the packets take the older Harmony shape). The toy notifies eight zero
//! bytes until its power button is pressed, then a token, which must be written back
//! (between an unsubscribe and a new subscribe); `[0x01, 0, 0, 0, 0, 0, 0, 0]` says the
//! toy is ready.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::broadcast::error::RecvError;

use crate::device::config::{DeviceDefinition, ProtocolDef};
use crate::device::error::DeviceError;
use crate::device::protocol::{HardwareCommand, OutputChange, Protocol, ProtocolHandler};
use crate::hardware::simulated::{SimulatedDeviceSpec, SimulatedResponder};
use crate::hardware::{Endpoint, HardwareDevice, HardwareError, HardwareEvent};

use super::handler_kit::{first_two, one_write, unsupported, vibrate_level};
use super::packet_shapes::PacketHandler;

const NAME: &str = "lelo-f1sv2";

/// How long pairing waits for someone to press the toy's button.
const PAIRING_TIMEOUT: Duration = Duration::from_secs(60);

const NOT_YET: [u8; 8] = [0; 8];
const PAIRED: [u8; 8] = [1, 0, 0, 0, 0, 0, 0, 0];

pub(super) struct LeloF1sV2;

/// Where pairing happens: `whitelist` on F1s toys, `generic0` on Harmony-style ones.
fn security_endpoint(hw: &Arc<dyn HardwareDevice>) -> Endpoint {
    if hw.endpoints().contains(&Endpoint::Whitelist) {
        Endpoint::Whitelist
    } else {
        Endpoint::Generic(0)
    }
}

async fn pair(hw: &Arc<dyn HardwareDevice>, security: Endpoint) -> Result<(), DeviceError> {
    let mut events = hw.events();
    hw.subscribe(security).await?;
    loop {
        match events.recv().await {
            Ok(HardwareEvent::Notification { endpoint, data }) if endpoint == security => {
                if data == NOT_YET {
                    tracing::info!("{NAME}: waiting for the toy's power button to be pressed");
                } else if data == PAIRED {
                    return Ok(());
                } else {
                    // A token: hand it back.
                    hw.unsubscribe(security).await?;
                    hw.write(security, &data, true).await?;
                    hw.subscribe(security).await?;
                }
            }
            Ok(HardwareEvent::Notification { .. }) | Err(RecvError::Lagged(_)) => {}
            Ok(HardwareEvent::Disconnected) | Err(RecvError::Closed) => {
                return Err(HardwareError::Disconnected.into());
            }
        }
    }
}

#[async_trait]
impl Protocol for LeloF1sV2 {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn initialize(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        let security = security_endpoint(hw);
        tokio::time::timeout(PAIRING_TIMEOUT, pair(hw, security))
            .await
            .map_err(|_| DeviceError::Protocol(format!("{NAME}: no valid security handshake")))??;
        Ok(if security == Endpoint::Whitelist {
            PacketHandler::vibrators(NAME, definition, both_motors).shared()
        } else {
            PacketHandler::each(harmony).shared()
        })
    }

    fn simulated_responder(
        &self,
        _protocol: &ProtocolDef,
        spec: &SimulatedDeviceSpec,
    ) -> Option<Box<dyn SimulatedResponder>> {
        Some(Box::new(SimulatedLelo {
            paired: false,
            token: spec.key.clone().unwrap_or_else(|| SIMULATED_TOKEN.to_vec()),
        }))
    }
}

/// F1s: `[0x01, level0, level1]`.
fn both_motors(levels: &[u8]) -> Vec<HardwareCommand> {
    vec![HardwareCommand::write(
        Endpoint::Tx,
        f1s_packet(levels),
        true,
    )]
}

/// The packet every F1s generation takes: `[0x01, level0, level1]`, a missing motor at 0.
pub(super) fn f1s_packet(levels: &[u8]) -> [u8; 3] {
    let (first, second) = first_two(levels);
    [0x01, first, second]
}

/// Harmony: one packet per motor (feature index + 1).
fn harmony(c: &OutputChange) -> Result<Vec<HardwareCommand>, DeviceError> {
    let level = vibrate_level(NAME, c)?;
    let motor = u8::try_from(c.feature + 1).map_err(|_| unsupported(NAME, c))?;
    one_write(
        Endpoint::Tx,
        [0x0A, 0x12, motor, 0x08, 0x00, 0x00, 0x00, 0x00, level, 0x00],
        false,
    )
}

/// A simulated F1s: asks for the button (pressed at once), hands out its token, and is
/// paired once the token comes back.
struct SimulatedLelo {
    paired: bool,
    /// The token it hands out (the spec's `key`, or a default).
    token: Vec<u8>,
}

/// The token a simulated toy hands out unless its spec gives one.
const SIMULATED_TOKEN: [u8; 8] = [0x3A, 0x91, 0x07, 0x55, 0x10, 0x22, 0x00, 0x4C];

fn is_security(endpoint: Endpoint) -> bool {
    matches!(endpoint, Endpoint::Whitelist | Endpoint::Generic(0))
}

impl SimulatedResponder for SimulatedLelo {
    fn on_write(&mut self, endpoint: Endpoint, data: &[u8]) -> Vec<(Endpoint, Vec<u8>)> {
        if is_security(endpoint) && data == self.token.as_slice() {
            self.paired = true;
        }
        Vec::new()
    }

    fn on_subscribe(&mut self, endpoint: Endpoint) -> Vec<(Endpoint, Vec<u8>)> {
        if !is_security(endpoint) {
            Vec::new()
        } else if self.paired {
            vec![(endpoint, PAIRED.to_vec())]
        } else {
            vec![(endpoint, NOT_YET.to_vec()), (endpoint, self.token.clone())]
        }
    }
}
