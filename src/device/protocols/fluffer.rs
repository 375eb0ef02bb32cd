//! Fluffer (G-Thing, G2G, Rock Hard Power Ring, MotorBunny Classic and Buck): every packet
//! to `tx` and every notification from `rx` is AES-128-ECB encrypted with a fixed key.
//!
//! Toys are found by their manufacturer data (company 0x684A), which also seeds the
//! authentication: the host sends `A5 01 08 r0..r3 h0..h3` with four random bytes r and
//! the first four bytes of SHA-256(r ++ a), `a` derived from the advertisement; the toy
//! must answer `A5 01 01 00`; then the host sends `82 0E 02 00 01`. Without manufacturer
//! data there is no authentication.
//!
//! Outputs: `82 0F 05 00 s1 s2 00 00`, both motors (features 0 and 1) in every packet.
//! Rotation (MotorBunny Classic, -100..100) is sent as v, or |v| + 100 counter-clockwise.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use sha2::{Digest, Sha256};

use super::aes_ecb::{AesEcb, random_bytes};
use super::handler_kit::one_write;
use super::packet_shapes::{PacketHandler, Slots};
use crate::device::config::{DeviceDefinition, ProtocolDef};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{HardwareCommand, Protocol, ProtocolHandler, write_and_await};
use crate::hardware::simulated::{SimulatedDeviceSpec, SimulatedResponder};
use crate::hardware::{Endpoint, HardwareDevice, HardwareIdentity, HardwareInfo};

const NAME: &str = "fluffer";
const KEY: &[u8; 16] = b"jdk#Flu%y6fer32f";
const COMPANY: u16 = 0x684A;
const AUTH_TIMEOUT: Duration = Duration::from_secs(5);

const AUTH_HEADER: [u8; 3] = [0xA5, 0x01, 0x08];
const AUTH_ACCEPTED: [u8; 4] = [0xA5, 0x01, 0x01, 0x00];
const START: [u8; 5] = [0x82, 0x0E, 0x02, 0x00, 0x01];

/// The Fluffer protocol. Identification keeps each toy's advertisement (by address) for
/// the authentication that follows.
#[derive(Default)]
pub struct Fluffer {
    adverts: Mutex<HashMap<String, Vec<u8>>>,
}

/// `[0x4A, 0x68] ++ data` of the manufacturer-data entry for Fluffer's company; empty if
/// there is none.
fn advert(manufacturer_data: &[(u16, Vec<u8>)]) -> Vec<u8> {
    manufacturer_data
        .iter()
        .find(|(company, _)| *company == COMPANY)
        .map(|(company, data)| [&company.to_le_bytes()[..], data].concat())
        .unwrap_or_default()
}

/// The bytes the authentication hash covers after the random ones: advertisement bytes
/// 3..=6, each (unless 0 or equal to the key byte) XORed with the key byte adv[2] ^ adv[1].
fn auth_material(adv: &[u8]) -> Vec<u8> {
    let key = match (adv.get(1), adv.get(2)) {
        (Some(a), Some(b)) => a ^ b,
        _ => 0,
    };
    adv.iter()
        .skip(3)
        .take(4)
        .map(|b| if *b != 0 && *b != key { b ^ key } else { *b })
        .collect()
}

/// The first four bytes of SHA-256(random ++ material).
fn auth_hash(random: &[u8; 4], material: &[u8]) -> [u8; 4] {
    let digest = Sha256::new()
        .chain_update(random)
        .chain_update(material)
        .finalize();
    [digest[0], digest[1], digest[2], digest[3]]
}

fn auth_request(random: [u8; 4], adv: &[u8]) -> Vec<u8> {
    let hash = auth_hash(&random, &auth_material(adv));
    [&AUTH_HEADER[..], &random, &hash].concat()
}

/// A slot value as its byte: counter-clockwise rotation (negative) becomes |v| + 100.
fn motor_byte(value: i32) -> Result<u8, DeviceError> {
    let byte = if value < 0 {
        i64::from(value).abs() + 100
    } else {
        i64::from(value)
    };
    u8::try_from(byte)
        .map_err(|_| DeviceError::Protocol(format!("value {value} does not fit in a byte")))
}

async fn authenticate(
    hw: &Arc<dyn HardwareDevice>,
    cipher: &AesEcb,
    adv: &[u8],
) -> Result<(), DeviceError> {
    let request = cipher.encrypt(&auth_request(random_bytes()?, adv));
    let answer = write_and_await(
        hw,
        HardwareCommand::write(Endpoint::Tx, request, false),
        Endpoint::Rx,
        AUTH_TIMEOUT,
        |data| Some(cipher.decrypt(data)),
    )
    .await?;
    if answer.as_deref() != Some(&AUTH_ACCEPTED[..]) {
        return Err(DeviceError::Protocol(
            "fluffer: no valid security handshake".into(),
        ));
    }
    hw.write(Endpoint::Tx, &cipher.encrypt(&START), false)
        .await?;
    Ok(())
}

#[async_trait]
impl Protocol for Fluffer {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn identify(
        &self,
        _hw: &Arc<dyn HardwareDevice>,
        info: &HardwareInfo,
    ) -> Result<Option<String>, DeviceError> {
        let adv = match &info.identity {
            HardwareIdentity::Ble {
                manufacturer_data, ..
            } => advert(manufacturer_data),
            _ => Vec::new(),
        };
        if adv.is_empty() {
            tracing::warn!("fluffer: {} advertises no manufacturer data", info.address);
        }
        self.adverts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(info.address.clone(), adv);
        Ok(None)
    }

    async fn initialize(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        let adv = self
            .adverts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(hw.address())
            .unwrap_or_default();
        let cipher = AesEcb::new(KEY);
        hw.subscribe(Endpoint::Rx).await?;
        if !adv.is_empty() {
            authenticate(hw, &cipher, &adv).await?;
        }
        let kinds = [
            OutputType::Vibrate,
            OutputType::Rotate,
            OutputType::Oscillate,
        ];
        let slots = Slots::of(definition, &kinds).at_least(2);
        Ok(PacketHandler::all_motors(NAME, slots, move |values| {
            let s1 = motor_byte(values[0])?;
            let s2 = motor_byte(values[1])?;
            let packet = cipher.encrypt(&[0x82, 0x0F, 0x05, 0x00, s1, s2, 0x00, 0x00]);
            one_write(Endpoint::Tx, packet, false)
        })
        .shared())
    }

    fn simulated_responder(
        &self,
        _protocol: &ProtocolDef,
        spec: &SimulatedDeviceSpec,
    ) -> Option<Box<dyn SimulatedResponder>> {
        Some(Box::new(SimulatedFluffer {
            cipher: AesEcb::new(KEY),
            material: auth_material(&advert(&spec.manufacturer_data)),
        }))
    }
}

/// A simulated Fluffer: accepts an authentication request whose hash matches its
/// advertisement (and refuses any other).
struct SimulatedFluffer {
    cipher: AesEcb,
    material: Vec<u8>,
}

impl SimulatedResponder for SimulatedFluffer {
    fn on_write(&mut self, endpoint: Endpoint, data: &[u8]) -> Vec<(Endpoint, Vec<u8>)> {
        let Some(plain) = self.cipher.decrypt_tx(endpoint, data) else {
            return Vec::new();
        };
        let Some(body) = plain.strip_prefix(&AUTH_HEADER[..]) else {
            return Vec::new();
        };
        let accepted = match (body.get(..4), body.get(4..)) {
            (Some(random), Some(hash)) => <[u8; 4]>::try_from(random)
                .is_ok_and(|r| auth_hash(&r, &self.material)[..] == *hash),
            _ => false,
        };
        let answer = if accepted {
            AUTH_ACCEPTED
        } else {
            [0xA5, 0x01, 0x01, 0x01]
        };
        vec![(Endpoint::Rx, self.cipher.encrypt(&answer))]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_material_from_the_advertisement() {
        let adv = [0x4A, 0x68, 0x11, 0x00, 0x7A, 0x79, 0x22];
        assert_eq!(auth_material(&adv), vec![0x00, 0x03, 0x79, 0x5B]);
        assert_eq!(auth_material(&[0x4A, 0x68]), Vec::<u8>::new());
        assert_eq!(auth_material(&[0x4A, 0x68, 0x11, 0x7A]), vec![0x7A ^ 0x79]);
    }

    #[test]
    fn rotation_bytes() {
        assert_eq!(motor_byte(0), Ok(0));
        assert_eq!(motor_byte(100), Ok(100));
        assert_eq!(motor_byte(-50), Ok(150));
        assert_eq!(motor_byte(-100), Ok(200));
        assert!(motor_byte(-200).is_err());
        assert!(motor_byte(i32::MIN).is_err());
    }
}
