//! Ankni (Roselex): on connect the PnP ID characteristic (`generic0`) is read; a toy that
//! put its 6-byte address there wants a check byte, the high byte of CRC-16/XMODEM over
//! `[0x01] ++ address`, sent after twenty 0x01 bytes. Vibrate is `[0x03, 0x12, step]`
//! padded to 20 bytes. Every write goes to `tx` with response.

use std::sync::Arc;

use async_trait::async_trait;

use super::handler_kit::{READ_TIMEOUT, SimulatedToy, vibrate_level};
use super::packet_shapes::{PacketHandler, PacketPerOutput};
use crate::device::config::{DeviceDefinition, ProtocolDef};
use crate::device::error::DeviceError;
use crate::device::protocol::{OutputChange, Protocol, ProtocolHandler};
use crate::hardware::simulated::{SimulatedDeviceSpec, SimulatedResponder};
use crate::hardware::{Endpoint, HardwareDevice};

const NAME: &str = "ankni";
const PACKET_LEN: usize = 20;
/// An address is 6 bytes; a longer answer is an ordinary PnP ID and needs no handshake.
const ADDRESS_LEN: usize = 6;
/// What a simulated toy keeps in its PnP ID characteristic unless its spec has a key.
const SIMULATED_ADDRESS: [u8; 6] = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66];

pub struct Ankni;

/// CRC-16/XMODEM: polynomial 0x1021, initial value 0, most significant bit first.
fn crc16_xmodem(data: &[u8]) -> u16 {
    data.iter().fold(0u16, |crc, byte| {
        (0..8).fold(crc ^ (u16::from(*byte) << 8), |crc, _| {
            if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            }
        })
    })
}

/// The check byte a toy with this address expects.
fn check_byte(address: &[u8]) -> u8 {
    let mut data = Vec::with_capacity(address.len() + 1);
    data.push(0x01);
    data.extend_from_slice(address);
    crc16_xmodem(&data).to_be_bytes()[0]
}

/// `head` padded with zeros to a full packet.
fn packet(head: &[u8]) -> Vec<u8> {
    let mut p = head.to_vec();
    p.resize(PACKET_LEN, 0x00);
    p
}

fn encode(change: &OutputChange) -> Result<Vec<u8>, DeviceError> {
    Ok(packet(&[0x03, 0x12, vibrate_level(NAME, change)?]))
}

#[async_trait]
impl Protocol for Ankni {
    fn name(&self) -> &'static str {
        NAME
    }

    async fn initialize(
        &self,
        hw: &Arc<dyn HardwareDevice>,
        _definition: &DeviceDefinition,
    ) -> Result<Arc<dyn ProtocolHandler>, DeviceError> {
        let pnp = hw.read(Endpoint::Generic(0), READ_TIMEOUT).await?;
        if pnp.len() <= ADDRESS_LEN {
            let check = check_byte(&pnp);
            hw.write(Endpoint::Tx, &[0x01; PACKET_LEN], true).await?;
            let mut second = vec![0x01, 0x02];
            second.extend([check; 16]);
            hw.write(Endpoint::Tx, &packet(&second), true).await?;
        }
        Ok(PacketHandler::packets(PacketPerOutput::tx(encode).with_response()).shared())
    }

    fn simulated_responder(
        &self,
        _protocol: &ProtocolDef,
        spec: &SimulatedDeviceSpec,
    ) -> Option<Box<dyn SimulatedResponder>> {
        let pnp = spec.key.clone().unwrap_or(SIMULATED_ADDRESS.to_vec());
        SimulatedToy::new().read(Endpoint::Generic(0), pnp).boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc16_xmodem_check_value() {
        // The catalogue check value of CRC-16/XMODEM.
        assert_eq!(crc16_xmodem(b"123456789"), 0x31C3);
    }
}
