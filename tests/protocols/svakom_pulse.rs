//! Svakom Pulse: the level plus one, without response, stop.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::test_kit::*;

#[tokio::test]
async fn vibrator_values() {
    let t = toy("Pulse Union").await;
    assert_eq!(t.name(), "Svakom Pulse Union");
    assert_eq!(t.take(), vec![]);
    assert_eq!(
        sweep_then_stop(&t, 0, Vibrate).await,
        vec![
            w(Tx, &[0x55, 0x03, 0x03, 0x00, 0x00, 0x01]),
            w(Tx, &[0x55, 0x03, 0x03, 0x00, 0x01, 0x02]),
            w(Tx, &[0x55, 0x03, 0x03, 0x00, 0x01, 0x06]),
            w(Tx, &[0x55, 0x03, 0x03, 0x00, 0x01, 0x0A]),
            w(Tx, &[0x55, 0x03, 0x03, 0x00, 0x00, 0x01]),
        ]
    );
}
