//! FeelingSo: `[0xAA, 0x40, 0x03, vibrate, oscillate, 0x14, 0x19]`, both in every packet.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

fn packet(vibrate: u8, oscillate: u8) -> Op {
    w(Tx, &[0xAA, 0x40, 0x03, vibrate, oscillate, 0x14, 0x19])
}

#[tokio::test]
async fn vibrator_levels() {
    let t = connect("Flair Feel", "FeelingSo Flair Feel", &[]).await;
    assert_eq!(t.outputs(), vec![vec![Vibrate], vec![Oscillate]]);
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [0x00, 0x01, 0x0A, 0x13, 0x00]
            .map(|s| packet(s, 0))
            .to_vec()
    );
}

#[tokio::test]
async fn oscillator_shares_the_packet() {
    let t = connect("Flair Feel", "FeelingSo Flair Feel", &[]).await;
    t.set(0, Vibrate, 0.5).await;
    t.take();
    assert_eq!(
        sweep(&t, 1, Oscillate).await,
        vec![
            packet(0x0A, 0x00),
            packet(0x0A, 0x01),
            packet(0x0A, 0x0A),
            packet(0x0A, 0x13),
            packet(0x00, 0x00),
        ]
    );
}
