//! Sistalk MonsterPub / Tracy's Dog: the model name is read from `rxblemodel`. Toys with
//! an `rx` characteristic must first answer a challenge read from it (XOR with one of four
//! keys). Every packet carries all motor levels; it goes to `txvibrate`, else `tx` (where
//! an all-zero packet goes to `txmode` instead, with response), else `generic0` behind a
//! 0x03 prefix.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use super::handler_kit::{
    READ_TIMEOUT, SimulatedToy, level, level_byte, only, output_features, simulated_model,
};
use super::packet_shapes::PacketHandler;
use crate::device::config::{DeviceDefinition, ProtocolDef};
use crate::device::error::DeviceError;
use crate::device::feature::OutputType;
use crate::device::protocol::{HardwareCommand, Protocol, ProtocolHandler};
use crate::hardware::simulated::{SimulatedDeviceSpec, SimulatedResponder};
use crate::hardware::{Endpoint, HardwareDevice, HardwareInfo};

const NAME: &str = "monsterpub";
const UNKNOWN_MODEL: &str = "Unknown";
const CHALLENGE_TIMEOUT: Duration = Duration::from_millis(200);
const ANSWER_LEN: usize = 15;
/// Four-letter words, repeated to 15 bytes, one per key row.
const KEY_WORDS: [&[u8; 4]; 4] = [b"2IPO", b"LSBB", b"SIS6", b"TALK"];
const GENERIC_PREFIX: u8 = 0x03;

pub struct MonsterPub;

/// The answer to a 16-byte challenge: byte 0 picks the key, the next 15 are XORed with it.
fn challenge_answer(challenge: &[u8]) -> Result<Vec<u8>, DeviceError> {
    let bad = || DeviceError::Protocol(format!("{NAME}: unexpected challenge {challenge:02X?}"));
    let (row, rest) = challenge.split_first().ok_or_else(bad)?;
    let word = KEY_WORDS.get(usize::from(*row)).ok_or_else(bad)?;
    let rest = rest.get(..ANSWER_LEN).ok_or_else(bad)?;
    Ok(rest
        .iter()
        .zip(word.iter().cycle())
        .map(|(r, k)| r ^ k)
        .collect())
}

#[async_trait]
impl Protocol for MonsterPub {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn identify(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        _info: &HardwareInfo,
    ) -> Result<Option<String>, DeviceError> {
        let Ok(data) = hw.read(Endpoint::RxBleModel, READ_TIMEOUT).await else {
            return Ok(Some(UNKNOWN_MODEL.to_string()));
        };
        let text = String::from_utf8(data)
            .map_err(|_| DeviceError::Protocol(format!("{NAME}: model name is not UTF-8")))?;
        Ok(Some(text.replace('\0', "")))
    }

    async fn initialize(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        let endpoints = hw.endpoints();
        if endpoints.contains(&Endpoint::Rx) {
            let challenge = hw.read(Endpoint::Rx, CHALLENGE_TIMEOUT).await?;
            HardwareCommand::write(Endpoint::Rx, challenge_answer(&challenge)?, true)
                .run(hw.as_ref())
                .await?;
        }
        let target = [Endpoint::TxVibrate, Endpoint::Tx]
            .into_iter()
            .find(|e| endpoints.contains(e))
            .unwrap_or(Endpoint::Generic(0));
        let motors = output_features(&definition.features);
        Ok(PacketHandler::batch(move |changes, state| {
            only(NAME, changes, &[OutputType::Vibrate, OutputType::Oscillate])?;
            let mut packet = Vec::with_capacity(motors.len() + 1);
            if target == Endpoint::Generic(0) {
                packet.push(GENERIC_PREFIX);
            }
            for motor in &motors {
                packet.push(level_byte(state, *motor)?);
            }
            let stopped = motors.iter().all(|m| level(state, *m) == 0);
            let command = if target == Endpoint::Tx && stopped {
                HardwareCommand::write(Endpoint::TxMode, packet, true)
            } else {
                HardwareCommand::write(target, packet, false)
            };
            Ok(vec![command])
        })
        .shared())
    }

    fn simulated_responder(
        &self,
        protocol: &ProtocolDef,
        spec: &SimulatedDeviceSpec,
    ) -> Option<Box<dyn SimulatedResponder>> {
        // The model name arrives NUL-padded; the challenge uses key row 1.
        let mut model = simulated_model(protocol, spec)
            .unwrap_or_default()
            .into_bytes();
        model.extend([0, 0]);
        let mut challenge = vec![1u8];
        challenge.extend(
            KEY_WORDS[1]
                .iter()
                .cycle()
                .take(ANSWER_LEN)
                .map(|k| k ^ 0x01),
        );
        SimulatedToy::new()
            .read(Endpoint::RxBleModel, model)
            .read(Endpoint::Rx, challenge)
            .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_answers() {
        let mut challenge = vec![0x01, 0x4D, 0x52];
        challenge.extend([0u8; 13]);
        let answer = challenge_answer(&challenge).unwrap();
        assert_eq!(answer.len(), 15);
        assert_eq!(answer[..2], [0x01, 0x01]);
        // Row 3 ("TALK"), all-zero bytes: the key itself.
        let mut challenge = vec![0x03];
        challenge.extend([0u8; 15]);
        assert_eq!(challenge_answer(&challenge).unwrap(), b"TALKTALKTALKTAL");
        assert!(challenge_answer(&[0x04; 16]).is_err());
        assert!(challenge_answer(&[0x01; 10]).is_err());
        assert!(challenge_answer(&[]).is_err());
    }
}
