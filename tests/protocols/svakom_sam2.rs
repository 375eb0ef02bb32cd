//! Svakom Sam Neo 2: 7-byte packets with response.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::sweep;
use crate::sweep::connect;

#[tokio::test]
async fn vibration_and_suction() {
    let t = connect("Sam Neo 2 Pro", "Svakom Sam Neo 2 Pro", &[]).await;
    let vibrate = |m, s| wr(Tx, &[0x55, 0x03, 0x00, 0x00, m, s, 0x00]);
    let suction = |on, s| wr(Tx, &[0x55, 0x09, 0x00, 0x00, on, s, 0x00]);
    // A stop writes every output's zero, in feature order.
    let mut expected = [(0, 0), (5, 1), (5, 5), (5, 10), (0, 0)]
        .map(|(m, s)| vibrate(m, s))
        .to_vec();
    expected.push(suction(0, 0));
    assert_eq!(sweep(&t, 0, Vibrate).await, expected);
    let t = connect("Sam Neo 2 Pro", "Svakom Sam Neo 2 Pro", &[]).await;
    let mut expected = [(0, 0), (1, 1), (1, 3), (1, 5)]
        .map(|(on, s)| suction(on, s))
        .to_vec();
    expected.extend([vibrate(0, 0), suction(0, 0)]);
    assert_eq!(sweep(&t, 1, Constrict).await, expected);
    let t = connect("Sam Neo 2", "Svakom Sam Neo 2", &[]).await;
    assert_eq!(t.outputs(), vec![vec![Vibrate], vec![Constrict]]);
}
