//! Svakom v2: values written with response, stop.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::test_kit::*;

#[tokio::test]
async fn vibrator_values() {
    let t = toy("116").await;
    assert_eq!(t.name(), "Svakom Phoenix Neo");
    assert_eq!(t.take(), vec![]);
    assert_eq!(
        sweep_then_stop(&t, 0, Vibrate).await,
        vec![
            wr(Tx, &[0x55, 0x03, 0x03, 0x00, 0x00, 0x00]),
            wr(Tx, &[0x55, 0x03, 0x03, 0x00, 0x01, 0x01]),
            wr(Tx, &[0x55, 0x03, 0x03, 0x00, 0x01, 0x05]),
            wr(Tx, &[0x55, 0x03, 0x03, 0x00, 0x01, 0x0A]),
            wr(Tx, &[0x55, 0x03, 0x03, 0x00, 0x00, 0x00]),
        ]
    );
}
