//! ToyCod Tara X: the internal vibrator's packet (off is `0x01, 0x01`) and the pulsator's.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::sweep;
use crate::sweep::connect;

#[tokio::test]
async fn both_motors() {
    let t = connect("SX218A", "ToyCod Tara X", &[]).await;
    let internal = |a, b| w(Tx, &[0x55, 0x03, 0x00, 0x00, a, b]);
    let external = |s| w(Tx, &[0x55, 0x09, 0x00, 0x00, s, 0x00]);
    // A stop writes every output's zero, in feature order.
    let mut expected = [(1, 1), (1, 2), (2, 2), (3, 2), (1, 1)]
        .map(|(a, b)| internal(a, b))
        .to_vec();
    expected.push(external(0));
    assert_eq!(sweep(&t, 0, Vibrate).await, expected);
    let t = connect("SX218A", "ToyCod Tara X", &[]).await;
    let mut expected = [0, 1, 2, 3].map(external).to_vec();
    expected.extend([internal(1, 1), external(0)]);
    assert_eq!(sweep(&t, 1, Vibrate).await, expected);
}
