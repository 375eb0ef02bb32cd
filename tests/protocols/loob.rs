//! Joyroid Loob: `[0x00, 0x01, 0x01, 0xF4]` on connect, then position and time as two
//! big-endian u16.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn position_and_time() {
    let t = connect("LOOB", "Joyroid Loob", &[wr(Tx, &[0x00, 0x01, 0x01, 0xF4])]).await;
    assert_eq!(t.outputs(), vec![vec![HwPositionWithDuration]]);
    t.move_to(0.0, 500).await;
    t.move_to(0.5, 1000).await;
    t.move_to(1.0, 0).await;
    t.move_to(0.25, 65535).await;
    t.move_to(1.0, 70000).await;
    // A stop leaves the stroker where it is.
    t.stop().await;
    assert_eq!(
        t.take(),
        vec![
            w(Tx, &[0x00, 0x01, 0x01, 0xF4]),
            w(Tx, &[0x01, 0xF4, 0x03, 0xE8]),
            w(Tx, &[0x03, 0xE8, 0x00, 0x01]),
            w(Tx, &[0x00, 0xFA, 0xFF, 0xFF]),
            w(Tx, &[0x03, 0xE8, 0xFF, 0xFF]),
        ]
    );
}
