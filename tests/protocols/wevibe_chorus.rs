//! We-Vibe Chorus / Sync: both motors in one 8-byte packet, a byte each.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

/// `[0x0F, 0x03, 0x00, internal, external, running bits, 0x00, 0x00]`.
fn running(internal: u8, external: u8, bits: u8) -> Op {
    wr(
        Tx,
        &[0x0F, 0x03, 0x00, internal, external, bits, 0x00, 0x00],
    )
}

fn all_off() -> Op {
    wr(Tx, &[0x0F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00])
}

#[tokio::test]
async fn levels_of_the_first_motor() {
    let t = connect("Sync 2", "WeVibe Sync 2", &[]).await;
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        vec![
            all_off(),
            running(0x02, 0x00, 0x01),
            running(0x0F, 0x00, 0x01),
            running(0x1E, 0x00, 0x01),
            all_off()
        ]
    );
}

#[tokio::test]
async fn two_motors_and_stop() {
    let t = connect("Chorus", "WeVibe Chorus", &[]).await;
    for (feature, steps) in [(0, 15), (1, 30), (0, 0), (1, 10)] {
        t.steps(feature, Vibrate, steps).await;
    }
    t.stop().await;
    assert_eq!(
        t.take(),
        vec![
            running(0x0F, 0x00, 0x01),
            running(0x0F, 0x1E, 0x03),
            running(0x00, 0x1E, 0x02),
            running(0x00, 0x0A, 0x02),
            all_off(),
        ]
    );
}

#[tokio::test]
async fn single_motor_drives_both_bytes() {
    let t = connect("Sync O", "WeVibe Sync O", &[]).await;
    assert_eq!(t.outputs(), vec![vec![Vibrate]]);
    t.set(0, Vibrate, 0.5).await;
    assert_eq!(t.take(), vec![running(0x0F, 0x0F, 0x03)]);
}
