//! We-Vibe (4-bit): init buzz, nibble packing, single motor mirrored, stop.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::test_kit::*;

const OFF: [u8; 8] = [0x0F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];

fn on(levels: u8) -> Op {
    wr(Tx, &[0x0F, 0x03, 0x00, levels, 0x00, 0x03, 0x00, 0x00])
}

#[tokio::test]
async fn init_buzz_then_single_motor_values() {
    let t = toy("Bloom").await;
    assert_eq!(t.name(), "WeVibe Bloom");
    assert_eq!(
        t.take(),
        vec![
            wr(Tx, &[0x0F, 0x03, 0x00, 0x99, 0x00, 0x03, 0x00, 0x00]),
            wr(Tx, &OFF)
        ]
    );
    assert_eq!(
        sweep_then_stop(&t, 0, Vibrate).await,
        vec![wr(Tx, &OFF), on(0x11), on(0x88), on(0xFF), wr(Tx, &OFF)]
    );
}

#[tokio::test]
async fn two_motors_in_nibbles() {
    let t = toy("4 Plus").await;
    assert_eq!(t.name(), "WeVibe 4 Plus");
    t.take();
    t.steps(0, Vibrate, 5).await;
    t.steps(1, Vibrate, 10).await;
    t.steps(0, Vibrate, 0).await;
    t.steps(1, Vibrate, 15).await;
    t.stop().await;
    assert_eq!(
        t.take(),
        vec![on(0x50), on(0x5A), on(0x0A), on(0x0F), wr(Tx, &OFF)]
    );
}
