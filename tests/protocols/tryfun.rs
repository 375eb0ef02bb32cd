//! TryFun: checksummed oscillate/rotate packets (Yuan) and the Surge Pro's vibrate packet,
//! all with response.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::sweep;
use crate::sweep::connect;

#[tokio::test]
async fn yuan_oscillates_and_rotates() {
    let t = connect("TRYFUN-ONE", "TryFun Yuan Series", &[]).await;
    // A stop writes every output's zero, in feature order.
    let mut expected = [
        (0x00, 0xF9),
        (0x01, 0xF8),
        (0x05, 0xF4),
        (0x09, 0xF0),
        (0x00, 0xF9),
    ]
    .map(|(s, c)| wr(Tx, &[0xAA, 0x02, 0x07, s, c]))
    .to_vec();
    expected.push(wr(Tx, &[0xAA, 0x02, 0x08, 0x00, 0xF8]));
    assert_eq!(sweep(&t, 0, Oscillate).await, expected);
    let t = connect("TRYFUN-ONE", "TryFun Yuan Series", &[]).await;
    let mut expected = [(0x00, 0xF8), (0x01, 0xF7), (0x05, 0xF3), (0x09, 0xEF)]
        .map(|(s, c)| wr(Tx, &[0xAA, 0x02, 0x08, s, c]))
        .to_vec();
    expected.extend([
        wr(Tx, &[0xAA, 0x02, 0x07, 0x00, 0xF9]),
        wr(Tx, &[0xAA, 0x02, 0x08, 0x00, 0xF8]),
    ]);
    assert_eq!(sweep(&t, 1, Rotate).await, expected);
}

#[tokio::test]
async fn surge_pro_vibrates() {
    let t = connect("TF-SPRAY", "TryFun Surge Pro", &[]).await;
    assert_eq!(t.outputs(), vec![vec![Vibrate]]);
    let off = [0x00, 0x02, 0x00, 0x05, 0x01, 0x02, 0x01, 0x01, 0xFC];
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        vec![
            wr(Tx, &off),
            wr(Tx, &[0x00, 0x02, 0x00, 0x05, 0x02, 0x01, 0x01, 0x00, 0xFC]),
            wr(Tx, &[0x00, 0x02, 0x00, 0x05, 0x02, 0x02, 0x01, 0x00, 0xFB]),
            wr(Tx, &[0x00, 0x02, 0x00, 0x05, 0x02, 0x04, 0x01, 0x00, 0xF9]),
            wr(Tx, &off),
        ]
    );
}
