//! AES-128 in ECB mode with PKCS#7 padding, as the Fluffer and VibCrafter toys use for
//! every packet (each with its own fixed key), and the random bytes their handshakes need.

use aes::Aes128;
use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit};

use crate::device::error::DeviceError;
use crate::hardware::Endpoint;

const BLOCK: usize = 16;

/// A cipher for one key.
#[derive(Clone)]
pub(super) struct AesEcb(Aes128);

impl AesEcb {
    pub(super) fn new(key: &[u8; BLOCK]) -> AesEcb {
        AesEcb(Aes128::new(key.into()))
    }

    /// Pads `plain` to whole blocks (PKCS#7) and encrypts each block.
    pub(super) fn encrypt(&self, plain: &[u8]) -> Vec<u8> {
        let pad = BLOCK - plain.len() % BLOCK;
        let mut data = plain.to_vec();
        data.resize(plain.len() + pad, pad as u8);
        for block in data.chunks_exact_mut(BLOCK) {
            self.0.encrypt_block(block.into());
        }
        data
    }

    /// Decrypts whole blocks and removes the padding; `None` if either is malformed.
    pub(super) fn decrypt(&self, data: &[u8]) -> Option<Vec<u8>> {
        if data.is_empty() || data.len() % BLOCK != 0 {
            return None;
        }
        let mut plain = data.to_vec();
        for block in plain.chunks_exact_mut(BLOCK) {
            self.0.decrypt_block(block.into());
        }
        let pad = usize::from(*plain.last()?);
        let valid = (1..=BLOCK).contains(&pad)
            && plain[plain.len() - pad..]
                .iter()
                .all(|b| usize::from(*b) == pad);
        valid.then(|| {
            plain.truncate(plain.len() - pad);
            plain
        })
    }

    /// For simulated toys: what the host wrote, decrypted, if it went to `tx`.
    pub(super) fn decrypt_tx(&self, endpoint: Endpoint, data: &[u8]) -> Option<Vec<u8>> {
        (endpoint == Endpoint::Tx)
            .then(|| self.decrypt(data))
            .flatten()
    }
}

/// `N` random bytes from the operating system.
pub(super) fn random_bytes<const N: usize>() -> Result<[u8; N], DeviceError> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| DeviceError::Protocol(format!("no random bytes: {e}")))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8; 16] = b"jdk#Cra%f5Vib28r";

    #[test]
    fn round_trip_and_padding() {
        let c = AesEcb::new(KEY);
        let sealed = c.encrypt(b"MtInt:0000;");
        assert_eq!(sealed.len(), 16);
        assert_eq!(
            sealed,
            [
                0xDF, 0xF0, 0x2F, 0x0D, 0xF4, 0x5B, 0x1F, 0x07, 0x21, 0x62, 0x3F, 0x8C, 0xF1, 0xB9,
                0x61, 0x38
            ]
        );
        assert_eq!(c.decrypt(&sealed).as_deref(), Some(&b"MtInt:0000;"[..]));
        assert_eq!(
            c.encrypt(&[0; 16]).len(),
            32,
            "a whole block gets a padding block"
        );
        assert_eq!(c.decrypt(&c.encrypt(&[7; 16])), Some(vec![7; 16]));
        assert_eq!(c.decrypt(&[1, 2, 3]), None);
        assert_eq!(c.decrypt(&[]), None);
    }
}
