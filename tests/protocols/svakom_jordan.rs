//! Svakom Jordan: the 7-byte Svakom vibrate packet and an oscillation packet.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::sweep;
use crate::sweep::connect;

#[tokio::test]
async fn vibration_and_oscillation() {
    let t = connect("Jordan", "Svakom Jordan", &[]).await;
    let vibrate = |on, s| w(Tx, &[0x55, 0x03, 0x00, 0x00, on, s, 0x00]);
    let oscillate = |on, s| w(Tx, &[0x55, 0x08, 0x00, 0x00, on, s, 0x00]);
    // A stop writes every output's zero, in feature order.
    let mut expected = [(0, 0), (1, 1), (1, 5), (1, 10), (0, 0)]
        .map(|(on, s)| vibrate(on, s))
        .to_vec();
    expected.push(oscillate(0, 0));
    assert_eq!(sweep(&t, 0, Vibrate).await, expected);
    let t = connect("Jordan", "Svakom Jordan", &[]).await;
    let mut expected = [(0, 0), (1, 1), (1, 3), (1, 5)]
        .map(|(on, s)| oscillate(on, s))
        .to_vec();
    expected.extend([vibrate(0, 0), oscillate(0, 0)]);
    assert_eq!(sweep(&t, 1, Oscillate).await, expected);
}
