//! Amorelie Joy: `[0x03]` on connect, then `[0x01, 0x01, s]`, without response.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;

#[tokio::test]
async fn handshake_then_steady_vibration() {
    let t = toy("4D01").await;
    assert_eq!(t.name(), "Amorelie Joy Shimmer");
    assert_eq!(t.take(), vec![w(Tx, &[0x03])]);
    for v in [0.05, 0.5, 1.0, 0.0] {
        t.set(0, Vibrate, v).await;
    }
    t.set(0, Vibrate, 0.5).await;
    t.stop().await;
    assert_eq!(
        t.take(),
        vec![
            w(Tx, &[0x01, 0x01, 0x05]),
            w(Tx, &[0x01, 0x01, 0x32]),
            w(Tx, &[0x01, 0x01, 0x64]),
            w(Tx, &[0x01, 0x01, 0x00]),
            w(Tx, &[0x01, 0x01, 0x32]),
            w(Tx, &[0x01, 0x01, 0x00]),
        ]
    );
}

#[tokio::test]
async fn names_without_a_configuration_use_the_defaults() {
    let t = toy("4D09").await;
    assert_eq!(t.outputs(), vec![vec![Vibrate]]);
    assert_eq!(t.take(), vec![w(Tx, &[0x03])]);
}
