//! VibCrafter (Harlow, Hayden, Nidalee, Janna): ASCII messages, AES-128-ECB encrypted with
//! a fixed key, to `tx` without response; answers arrive encrypted on `rx`.
//!
//! Authentication: the host sends `Auth:XXXXXX;` (six random letters or digits). The toy
//! answers with a challenge `abcd:C;`, to which the host replies `Auth:` and the first two
//! bytes of SHA-256(C) in lower-case hex, then `;`; or with `OK;` once satisfied.
//!
//! Outputs: `MtInt:AABB;`, both motors' steps as two decimal digits each.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sha2::{Digest, Sha256};
use tokio::sync::broadcast::error::RecvError;

use super::aes_ecb::{AesEcb, random_bytes};
use super::handler_kit::one_write;
use super::packet_shapes::{PacketHandler, Slots};
use crate::device::config::{DeviceDefinition, ProtocolDef};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{Protocol, ProtocolHandler};
use crate::hardware::simulated::{SimulatedDeviceSpec, SimulatedResponder};
use crate::hardware::{Endpoint, HardwareDevice, HardwareEvent};

const NAME: &str = "vibcrafter";
pub struct VibCrafter;

const KEY: &[u8; 16] = b"jdk#Cra%f5Vib28r";
/// The reference waits without limit; the toy answers at once, so a bound loses nothing.
const AUTH_TIMEOUT: Duration = Duration::from_secs(10);

const ALPHANUMERIC: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Six random letters or digits.
fn random_token() -> Result<String, DeviceError> {
    let bytes: [u8; 6] = random_bytes()?;
    Ok(bytes
        .iter()
        .map(|b| char::from(ALPHANUMERIC[usize::from(*b) % ALPHANUMERIC.len()]))
        .collect())
}

/// The C of a challenge `xxxx:C;` (four letters or digits, a colon, one or more letters or
/// digits, a semicolon, nothing else).
fn challenge(message: &str) -> Option<&str> {
    let body = message.strip_suffix(';')?;
    let (prefix, code) = body.split_once(':')?;
    let alphanumeric = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric());
    (prefix.len() == 4 && alphanumeric(prefix) && !code.is_empty() && alphanumeric(code))
        .then_some(code)
}

/// `Auth:` and the first two bytes of SHA-256(code) in lower-case hex, then `;`.
fn challenge_reply(code: &str) -> String {
    let digest = Sha256::digest(code.as_bytes());
    format!("Auth:{:02x}{:02x};", digest[0], digest[1])
}

async fn authenticate(hw: &Arc<dyn HardwareDevice>, cipher: &AesEcb) -> Result<(), DeviceError> {
    let mut events = hw.events();
    let send = |text: String| async move {
        hw.write(Endpoint::Tx, &cipher.encrypt(text.as_bytes()), false)
            .await
    };
    send(format!("Auth:{};", random_token()?)).await?;
    let refused = || DeviceError::Protocol("vibcrafter: no valid security handshake".into());
    loop {
        let data = match events.recv().await {
            Ok(HardwareEvent::Notification {
                endpoint: Endpoint::Rx,
                data,
            }) => data,
            Ok(HardwareEvent::Notification { .. }) | Err(RecvError::Lagged(_)) => continue,
            Ok(HardwareEvent::Disconnected) | Err(RecvError::Closed) => return Err(refused()),
        };
        let plain = cipher.decrypt(&data).ok_or_else(refused)?;
        let message = String::from_utf8(plain).map_err(|_| refused())?;
        if message == "OK;" {
            return Ok(());
        }
        let code = challenge(&message).ok_or_else(refused)?;
        send(challenge_reply(code)).await?;
    }
}

#[async_trait]
impl Protocol for VibCrafter {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn initialize(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        let cipher = AesEcb::new(KEY);
        hw.subscribe(Endpoint::Rx).await?;
        tokio::time::timeout(AUTH_TIMEOUT, authenticate(hw, &cipher))
            .await
            .map_err(|_| {
                DeviceError::Protocol("vibcrafter: the toy did not authenticate".into())
            })??;
        let slots = Slots::of(definition, &[OutputType::Vibrate]).at_least(2);
        Ok(PacketHandler::all_motors(NAME, slots, move |values| {
            let (a, b) = (values[0], values[1]);
            let packet = cipher.encrypt(format!("MtInt:{a:02}{b:02};").as_bytes());
            one_write(Endpoint::Tx, packet, false)
        })
        .shared())
    }

    fn simulated_responder(
        &self,
        _protocol: &ProtocolDef,
        _spec: &SimulatedDeviceSpec,
    ) -> Option<Box<dyn SimulatedResponder>> {
        Some(Box::new(SimulatedVibCrafter {
            cipher: AesEcb::new(KEY),
        }))
    }
}

/// The challenge a simulated VibCrafter sets.
const SIMULATED_CHALLENGE: &str = "Ab12:X7k2;";

/// A simulated VibCrafter: answers `Auth:<token>;` with a challenge, and the right answer
/// to it with `OK;`.
struct SimulatedVibCrafter {
    cipher: AesEcb,
}

impl SimulatedResponder for SimulatedVibCrafter {
    fn on_write(&mut self, endpoint: Endpoint, data: &[u8]) -> Vec<(Endpoint, Vec<u8>)> {
        let Some(plain) = self.cipher.decrypt_tx(endpoint, data) else {
            return Vec::new();
        };
        let expected = challenge(SIMULATED_CHALLENGE).map(challenge_reply);
        let answer = match plain.strip_prefix(b"Auth:") {
            Some(_) if expected.as_deref().map(str::as_bytes) == Some(&plain[..]) => "OK;",
            Some(_) => SIMULATED_CHALLENGE,
            None => return Vec::new(),
        };
        vec![(Endpoint::Rx, self.cipher.encrypt(answer.as_bytes()))]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges() {
        assert_eq!(challenge("Ab12:X7k2;"), Some("X7k2"));
        assert_eq!(challenge("Ab12:X;"), Some("X"));
        assert_eq!(challenge("Ab1:X7k2;"), None);
        assert_eq!(challenge("Ab12:;"), None);
        assert_eq!(challenge("Ab12:X7-2;"), None);
        assert_eq!(challenge("Ab12:X7k2"), None);
        assert_eq!(challenge("OK;"), None);
        assert_eq!(challenge_reply("X7k2"), "Auth:21e0;");
    }

    #[test]
    fn tokens_are_six_letters_or_digits() {
        let token = random_token().unwrap();
        assert_eq!(token.len(), 6);
        assert!(token.bytes().all(|b| b.is_ascii_alphanumeric()));
    }
}
