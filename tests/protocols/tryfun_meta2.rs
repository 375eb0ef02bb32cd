//! TryFun Meta 2: counted, checksummed packets; rotation direction in the value byte.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::{play, sweep};
use crate::sweep::connect;

fn packet(n: u8, kind: u8, b: u8, c: u8) -> Op {
    w(Tx, &[n, 0x02, 0x00, 0x05, 0x21, 0x05, kind, b, c])
}

#[tokio::test]
async fn oscillation_and_vibration() {
    let t = connect("TF-META2", "TryFun Meta 2", &[]).await;
    // A stop writes every output's zero, in feature order (a stopped rotor is 0xFF).
    let mut expected = [
        (0, 0x00, 0xCF),
        (1, 0x05, 0xCA),
        (2, 0x32, 0x9D),
        (3, 0x64, 0x6B),
        (4, 0x00, 0xCF),
    ]
    .map(|(n, b, c)| packet(n, 0x0B, b, c))
    .to_vec();
    expected.extend([packet(5, 0x08, 0x00, 0xD2), packet(6, 0x0E, 0xFF, 0xCD)]);
    assert_eq!(sweep(&t, 0, Oscillate).await, expected);
    // The toy knows its outputs are off now: only the running one is stopped again.
    assert_eq!(
        sweep(&t, 1, Vibrate).await,
        [
            (7, 0x05, 0xCD),
            (8, 0x32, 0xA0),
            (9, 0x64, 0x6E),
            (10, 0x00, 0xD2)
        ]
        .map(|(n, b, c)| packet(n, 0x08, b, c))
    );
}

#[tokio::test]
async fn clockwise_is_the_complement() {
    let t = connect("TF-META2", "TryFun Meta 2", &[]).await;
    let mut expected = [
        (0, 0xFF, 0xCD),
        (1, 0xFA, 0xD2),
        (2, 0xCD, 0xFF),
        (3, 0x9B, 0x31),
    ]
    .map(|(n, b, c)| packet(n, 0x0E, b, c))
    .to_vec();
    expected.extend([
        packet(4, 0x0B, 0x00, 0xCF),
        packet(5, 0x08, 0x00, 0xD2),
        packet(6, 0x0E, 0xFF, 0xCD),
    ]);
    assert_eq!(sweep(&t, 2, Rotate).await, expected);
    assert_eq!(
        play(&t, &[(2, Rotate, -0.5)]).await,
        vec![packet(7, 0x0E, 0x32, 0x9A), packet(8, 0x0E, 0xFF, 0xCD)]
    );
}
