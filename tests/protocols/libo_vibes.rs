//! Libo: the level on tx, zero also clearing txmode, the second channel on txmode.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{Tx, TxMode};

use crate::harness::*;
use crate::test_kit::*;

#[tokio::test]
async fn single_vibrator_values() {
    let t = toy("LiBo").await;
    assert_eq!(t.name(), "Libo Lily");
    assert_eq!(t.take(), vec![]);
    assert_eq!(
        sweep_then_stop(&t, 0, Vibrate).await,
        vec![
            w(Tx, &[0x00]),
            w(TxMode, &[0x00]),
            w(Tx, &[0x05]),
            w(Tx, &[0x32]),
            w(Tx, &[0x64]),
            w(Tx, &[0x00]),
            w(TxMode, &[0x00]),
        ]
    );
}

#[tokio::test]
async fn second_channel_on_txmode() {
    let t = toy("BaiHu").await;
    assert_eq!(t.name(), "Libo LaLa");
    t.take();
    t.set(0, Vibrate, 0.5).await;
    t.set(1, Vibrate, 0.5).await;
    t.set(1, Vibrate, 1.0).await;
    t.stop().await;
    assert_eq!(
        t.take(),
        vec![
            w(Tx, &[0x32]),
            w(TxMode, &[0x02]),
            w(TxMode, &[0x03]),
            w(Tx, &[0x00]),
            w(TxMode, &[0x00]),
            w(TxMode, &[0x00]),
        ]
    );
}
