//! Reading what an encrypting protocol wrote: AES-128-ECB with PKCS#7 padding.

use aes::Aes128;
use aes::cipher::{BlockDecrypt, KeyInit};

use crate::harness::Op;

/// Decrypts the bytes of a write (panics on anything else: this is test code).
pub fn decrypt(key: &[u8; 16], op: &Op) -> Vec<u8> {
    let Op::Write(_, data, _) = op else {
        panic!("{op:?} is not a write");
    };
    let cipher = Aes128::new(key.into());
    let mut plain = data.clone();
    for block in plain.chunks_exact_mut(16) {
        cipher.decrypt_block(block.into());
    }
    let pad = usize::from(*plain.last().expect("empty write"));
    plain.truncate(plain.len() - pad);
    plain
}
