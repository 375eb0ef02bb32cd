//! Sexverse v5 (Heart, Hannibal Kona): `[0xAA, 0x03, 0x03, level, 0x00, 0x00, 0x00]` on
//! `tx`, without response.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn levels_and_stop() {
    let t = connect("CBW02", "Sexverse Heart", &[]).await;
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [0x00, 0x05, 0x32, 0x64, 0x00].map(|s| w(Tx, &[0xAA, 0x03, 0x03, s, 0x00, 0x00, 0x00]))
    );
}

#[tokio::test]
async fn the_kona_is_named_by_its_configuration() {
    let t = connect("CB-WXW03", "Hannibal Kona", &[]).await;
    assert_eq!(t.outputs(), vec![vec![Vibrate]]);
    t.set(0, Vibrate, 0.5).await;
    assert_eq!(
        t.take(),
        vec![w(Tx, &[0xAA, 0x03, 0x03, 0x32, 0x00, 0x00, 0x00])]
    );
}
