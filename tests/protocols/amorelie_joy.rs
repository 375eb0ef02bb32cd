//! Amorelie Joy: `[0x03]` on connect, then `[0x01, 0x01, s]`, without response.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::sweep;

#[tokio::test]
async fn handshake_then_steady_vibration() {
    let t = toy("4D01").await;
    assert_eq!(t.name(), "Amorelie Joy Shimmer");
    assert_eq!(t.take(), vec![w(Tx, &[0x03])]);
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [0x00, 0x05, 0x32, 0x64, 0x00].map(|s| w(Tx, &[0x01, 0x01, s]))
    );
}

#[tokio::test]
async fn names_without_a_configuration_use_the_defaults() {
    let t = toy("4D09").await;
    assert_eq!(t.outputs(), vec![vec![Vibrate]]);
    assert_eq!(t.take(), vec![w(Tx, &[0x03])]);
}
