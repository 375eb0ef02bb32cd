//! Love Distance: init writes, values, stop.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::test_kit::*;

#[tokio::test]
async fn init_then_values() {
    let t = toy("REACH").await;
    assert_eq!(t.name(), "Love Distance Reach");
    assert_eq!(
        t.take(),
        vec![w(Tx, &[0xF3, 0x00, 0x00]), w(Tx, &[0xF4, 0x01])]
    );
    assert_eq!(
        sweep_then_stop(&t, 0, Vibrate).await,
        vec![
            w(Tx, &[0xF3, 0x00, 0x00]),
            w(Tx, &[0xF3, 0x00, 0x07]),
            w(Tx, &[0xF3, 0x00, 0x3D]),
            w(Tx, &[0xF3, 0x00, 0x79]),
            w(Tx, &[0xF3, 0x00, 0x00]),
        ]
    );
}
