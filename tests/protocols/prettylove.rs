//! Pretty Love (Aogu BLE): `[0x00, level]` on `tx`, written with response.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn levels_and_stop() {
    let t = connect("Aogu BLE 0123", "Pretty Love Device", &[]).await;
    assert_eq!(t.outputs(), vec![vec![Vibrate]]);
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [0x00, 0x01, 0x02, 0x03, 0x00].map(|s| wr(Tx, &[0x00, s]))
    );
}

#[tokio::test]
async fn the_shutter_name_is_the_same_toy() {
    let t = connect("AB Shutter3 [Aogu BLE Device]", "Pretty Love Device", &[]).await;
    t.set(0, Vibrate, 0.5).await;
    assert_eq!(t.take(), vec![wr(Tx, &[0x00, 0x02])]);
}
