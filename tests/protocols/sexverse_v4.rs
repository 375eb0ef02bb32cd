//! Sexverse v4: `[0xBB, 0x01, level, 0x66]`.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn levels_and_stop() {
    let t = connect("CFG1 vibrator", "Sexverse G1 Vibrator", &[]).await;
    let levels = [0x00, 0x05, 0x32, 0x63, 0x00];
    let packets = levels.map(|l| wr(Tx, &[0xBB, 0x01, l, 0x66]));
    assert_eq!(sweep(&t, 0, Vibrate).await, packets.to_vec());
    // Two models share an identifier: the first one wins.
    connect("BC1847", "Sexverse Black Knight", &[]).await;
}
