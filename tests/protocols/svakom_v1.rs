//! Svakom v1: `[0x55, 0x04, 0x03, 0x00, on, level]`.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn levels_and_stop() {
    let t = connect("Aogu SCB", "Svakom Ella", &[]).await;
    let tails = [
        [0x00, 0x00],
        [0x01, 0x01],
        [0x01, 0x0A],
        [0x01, 0x13],
        [0x00, 0x00],
    ];
    let packets = tails.map(|t| w(Tx, &[0x55, 0x04, 0x03, 0x00, t[0], t[1]]));
    assert_eq!(sweep(&t, 0, Vibrate).await, packets.to_vec());
    connect("Aogu SUV", "Svakom Device", &[]).await;
}
