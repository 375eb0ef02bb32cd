//! Picobong: `[0x01, mode, level]`, mode 0xFF when off.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn levels_and_stop() {
    let t = connect("Diver", "Picobong Diver", &[]).await;
    let packets = [
        [0x01, 0xFF, 0x00],
        [0x01, 0x01, 0x01],
        [0x01, 0x01, 0x05],
        [0x01, 0x01, 0x0A],
        [0x01, 0xFF, 0x00],
    ];
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        packets.map(|p| w(Tx, &p)).to_vec()
    );
    connect("Surfer_plug", "Picobong Surfer", &[]).await;
}
