//! Fleshy Thrust: `[position, duration high, duration low]`; stop moves nothing.

use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn timed_moves() {
    let t = connect("BT05", "Fleshy Thrust Sync", &[]).await;
    t.move_to(1.0, 500).await;
    t.move_to(0.5, 1000).await;
    t.move_to(0.05, 0).await;
    // Longer than 16 bits can say: the longest the packet can say.
    t.move_to(0.0, 70000).await;
    t.stop().await;
    assert_eq!(
        t.take(),
        vec![
            w(Tx, &[0xB4, 0x01, 0xF4]),
            w(Tx, &[0x5A, 0x03, 0xE8]),
            w(Tx, &[0x09, 0x00, 0x00]),
            w(Tx, &[0x00, 0xFF, 0xFF]),
        ]
    );
}
