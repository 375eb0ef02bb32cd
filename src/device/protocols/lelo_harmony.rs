//! Lelo Harmony family (Tiani Harmony, Ida Wave, Tor 3, Hugo 2, Gigi 3, ...).
//!
//! Connecting runs a pairing on the `whitelist` characteristic: the host subscribes and the
//! toy notifies its state. All zeros: not paired yet (the user has to press the power
//! button), keep waiting. `01 00 ..`: paired, done. Anything else is the toy's password,
//! which the host writes back (with response) while unsubscribed, then subscribes again.
//!
//! Outputs: one 10-byte packet per feature to `tx`, without response:
//! `[0x0A, 0x12, index + 1, 0x08, 0x00, 0x00, 0x00, 0x00, s, 0x00]` (vibrate and rotate).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::broadcast::error::RecvError;

use super::handler_kit::{feature_byte, step_byte, unsupported};
use super::packet_shapes::{PacketHandler, PacketPerOutput};
use crate::device::config::{DeviceDefinition, ProtocolDef};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{OutputChange, Protocol, ProtocolHandler};
use crate::hardware::simulated::{SimulatedDeviceSpec, SimulatedResponder};
use crate::hardware::{Endpoint, HardwareDevice, HardwareError, HardwareEvent};

const NAME: &str = "lelo-harmony";

pub struct LeloHarmony;

/// How long the pairing may wait for the user to press the toy's button. The reference
/// waits without limit; a bound keeps an abandoned connection from lingering forever.
const PAIRING_TIMEOUT: Duration = Duration::from_secs(120);

/// What a `whitelist` notification says.
#[derive(Debug, PartialEq)]
enum PairingState<'a> {
    NotPaired,
    Paired,
    Password(&'a [u8]),
}

fn pairing_state(data: &[u8]) -> PairingState<'_> {
    match data.split_first() {
        _ if data.iter().all(|b| *b == 0) => PairingState::NotPaired,
        Some((0x01, rest)) if rest.iter().all(|b| *b == 0) => PairingState::Paired,
        _ => PairingState::Password(data),
    }
}

async fn pair(hw: &Arc<dyn HardwareDevice>) -> Result<(), DeviceError> {
    let mut events = hw.events();
    hw.subscribe(Endpoint::Whitelist).await?;
    let no_handshake = || DeviceError::Protocol("lelo-harmony: no valid security handshake".into());
    loop {
        let data = match events.recv().await {
            Ok(HardwareEvent::Notification {
                endpoint: Endpoint::Whitelist,
                data,
            }) => data,
            Ok(HardwareEvent::Notification { .. }) | Err(RecvError::Lagged(_)) => continue,
            Ok(HardwareEvent::Disconnected) | Err(RecvError::Closed) => return Err(no_handshake()),
        };
        match pairing_state(&data) {
            PairingState::NotPaired => {}
            PairingState::Paired => return Ok(()),
            PairingState::Password(password) => {
                // The toy takes its password only while nothing is subscribed.
                hw.unsubscribe(Endpoint::Whitelist).await?;
                hw.write(Endpoint::Whitelist, password, true).await?;
                hw.subscribe(Endpoint::Whitelist).await?;
            }
        }
    }
}

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    match change.output {
        OutputType::Vibrate | OutputType::Rotate => {
            let motor = feature_byte(change, 1)?;
            let s = step_byte(change)?;
            Ok(vec![
                0x0A, 0x12, motor, 0x08, 0x00, 0x00, 0x00, 0x00, s, 0x00,
            ])
        }
        _ => Err(unsupported(NAME, change)),
    }
}

#[async_trait]
impl Protocol for LeloHarmony {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn initialize(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        _definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        tokio::time::timeout(PAIRING_TIMEOUT, pair(hw))
            .await
            .map_err(|_| DeviceError::Hardware(HardwareError::Timeout))??;
        Ok(PacketHandler::packets(PacketPerOutput::tx(encode)).shared())
    }

    fn simulated_responder(
        &self,
        _protocol: &ProtocolDef,
        spec: &SimulatedDeviceSpec,
    ) -> Option<Box<dyn SimulatedResponder>> {
        Some(Box::new(SimulatedLelo {
            paired: false,
            password: spec
                .key
                .clone()
                .unwrap_or_else(|| SIMULATED_PASSWORD.to_vec()),
        }))
    }
}

/// The password a simulated Lelo toy announces once its button is "pressed", unless its
/// spec's `key` gives one.
const SIMULATED_PASSWORD: [u8; 8] = [0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6, 0x07, 0x18];

/// A simulated Lelo toy whose button is pressed as soon as the host asks to pair: it
/// reports "not paired", then its password, and is paired once the password comes back.
struct SimulatedLelo {
    paired: bool,
    /// The password it hands out (the spec's `key`, or the default).
    password: Vec<u8>,
}

impl SimulatedResponder for SimulatedLelo {
    fn on_write(&mut self, endpoint: Endpoint, data: &[u8]) -> Vec<(Endpoint, Vec<u8>)> {
        if endpoint == Endpoint::Whitelist && data == self.password.as_slice() {
            self.paired = true;
        }
        Vec::new()
    }

    fn on_subscribe(&mut self, endpoint: Endpoint) -> Vec<(Endpoint, Vec<u8>)> {
        if endpoint != Endpoint::Whitelist {
            return Vec::new();
        }
        if self.paired {
            vec![(endpoint, vec![0x01, 0, 0, 0, 0, 0, 0, 0])]
        } else {
            vec![(endpoint, vec![0; 8]), (endpoint, self.password.clone())]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairing_states() {
        assert_eq!(pairing_state(&[0; 8]), PairingState::NotPaired);
        assert_eq!(pairing_state(&[]), PairingState::NotPaired);
        assert_eq!(
            pairing_state(&[1, 0, 0, 0, 0, 0, 0, 0]),
            PairingState::Paired
        );
        assert_eq!(pairing_state(&[1]), PairingState::Paired);
        assert_eq!(pairing_state(&[1, 2]), PairingState::Password(&[1, 2]));
        assert_eq!(pairing_state(&[0, 1]), PairingState::Password(&[0, 1]));
    }
}
