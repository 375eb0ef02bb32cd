//! Svakom v3: one 6-byte packet per feature, without response.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::{play, sweep};

#[tokio::test]
async fn main_motor() {
    let t = toy("Phoenix Neo 2").await;
    assert_eq!(t.name(), "Svakom Phoenix Neo 2");
    assert_eq!(t.take(), vec![], "no handshake");
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [(0, 0x00), (1, 0x01), (1, 0x05), (1, 0x0A), (0, 0x00)]
            .map(|(on, s)| w(Tx, &[0x55, 0x03, 0x03, 0x00, on, s]))
    );
}

#[tokio::test]
async fn theodore_rotation() {
    let t = toy("FK008A").await;
    assert_eq!(t.outputs(), vec![vec![Vibrate], vec![Rotate]]);
    assert_eq!(
        play(&t, &[(1, Rotate, 0.5), (0, Vibrate, 0.5)]).await,
        vec![
            w(Tx, &[0x55, 0x08, 0x00, 0x00, 0x01, 0xFF]),
            w(Tx, &[0x55, 0x03, 0x03, 0x00, 0x01, 0x05]),
            w(Tx, &[0x55, 0x03, 0x03, 0x00, 0x00, 0x00]),
            w(Tx, &[0x55, 0x08, 0x00, 0x00, 0x00, 0xFF]),
        ]
    );
}

#[tokio::test]
async fn alberta_suction_lens() {
    let t = toy("QH-SX007E").await;
    assert_eq!(t.name(), "Svakom Alberta");
    assert_eq!(
        play(&t, &[(0, Vibrate, 0.05), (1, Vibrate, 0.05)]).await,
        vec![
            w(Tx, &[0x55, 0x03, 0x03, 0x00, 0x01, 0x01]),
            w(Tx, &[0x55, 0x09, 0x00, 0x00, 0x01, 0x01]),
            w(Tx, &[0x55, 0x03, 0x03, 0x00, 0x00, 0x00]),
            w(Tx, &[0x55, 0x09, 0x00, 0x00, 0x00, 0x00]),
        ]
    );
}
