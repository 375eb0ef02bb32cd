//! Foreo: the mode byte from the name, values written with response.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::test_kit::*;

#[tokio::test]
async fn luna_values() {
    let t = toy("LUNA 3").await;
    assert_eq!(t.name(), "Foreo LUNA 3");
    assert_eq!(t.take(), vec![]);
    assert_eq!(
        sweep_then_stop(&t, 0, Vibrate).await,
        vec![
            wr(Tx, &[0x01, 0x00, 0x00]),
            wr(Tx, &[0x01, 0x00, 0x01]),
            wr(Tx, &[0x01, 0x00, 0x05]),
            wr(Tx, &[0x01, 0x00, 0x0A]),
            wr(Tx, &[0x01, 0x00, 0x00]),
        ]
    );
}

#[tokio::test]
async fn mode_follows_the_name() {
    let t = toy("UFO").await;
    t.take();
    t.set(0, Vibrate, 0.5).await;
    assert_eq!(t.take(), vec![wr(Tx, &[0x01, 0x01, 0x05])]);
    let t = toy("LUNA play smart 2").await;
    t.take();
    t.set(0, Vibrate, 1.0).await;
    t.stop().await;
    assert_eq!(
        t.take(),
        vec![wr(Tx, &[0x01, 0x03, 0x0A]), wr(Tx, &[0x01, 0x03, 0x00])]
    );
}
