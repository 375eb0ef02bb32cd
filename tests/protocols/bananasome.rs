//! Bananasome: `[0xA0, 0x03, oscillate, vibrate, vibrate]`, every output in every packet.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

const NAME: &str = "\u{706B}\u{7BAD}X7";

#[tokio::test]
async fn oscillator_levels() {
    let t = connect(NAME, "Bananasome Rocket X7", &[]).await;
    assert_eq!(
        t.outputs(),
        vec![vec![Oscillate], vec![Vibrate], vec![Vibrate]]
    );
    let packets = [
        [0xA0, 0x03, 0x00, 0x00, 0x00],
        [0xA0, 0x03, 0x0D, 0x00, 0x00],
        [0xA0, 0x03, 0x80, 0x00, 0x00],
        [0xA0, 0x03, 0xFF, 0x00, 0x00],
        [0xA0, 0x03, 0x00, 0x00, 0x00],
    ];
    assert_eq!(
        sweep(&t, 0, Oscillate).await,
        packets.map(|p| w(Tx, &p)).to_vec()
    );
}

#[tokio::test]
async fn all_three_share_the_packet() {
    let t = connect(NAME, "Bananasome Rocket X7", &[]).await;
    t.set(0, Oscillate, 0.5).await;
    t.set(2, Vibrate, 1.0).await;
    t.set(1, Vibrate, 0.05).await;
    t.stop().await;
    let packets = [
        [0xA0, 0x03, 0x80, 0x00, 0x00],
        [0xA0, 0x03, 0x80, 0x00, 0xFF],
        [0xA0, 0x03, 0x80, 0x0D, 0xFF],
        [0xA0, 0x03, 0x00, 0x00, 0x00],
    ];
    assert_eq!(t.take(), packets.map(|p| w(Tx, &p)).to_vec());
}
