//! We-Vibe (8-bit): no init, offset levels with running flags, two motors, stop.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::test_kit::*;

const OFF: [u8; 8] = [0x0F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];

fn on(external: u8, internal: u8, running: u8) -> Op {
    wr(
        Tx,
        &[0x0F, 0x03, 0x00, external, internal, running, 0x00, 0x00],
    )
}

#[tokio::test]
async fn single_motor_values() {
    let t = toy("Moxie").await;
    assert_eq!(t.name(), "WeVibe Moxie");
    assert_eq!(t.take(), vec![]);
    assert_eq!(
        sweep_then_stop(&t, 0, Vibrate).await,
        vec![
            wr(Tx, &OFF),
            on(0x04, 0x04, 0x03),
            on(0x09, 0x09, 0x03),
            on(0x0F, 0x0F, 0x03),
            wr(Tx, &OFF)
        ]
    );
    let t = toy("Melt").await;
    t.take();
    t.set(0, Vibrate, 0.5).await;
    assert_eq!(t.take(), vec![on(0x0E, 0x0E, 0x03)]);
}

#[tokio::test]
async fn two_motors_external_first() {
    let t = toy("Vector").await;
    assert_eq!(t.name(), "WeVibe Vector");
    t.take();
    t.steps(0, Vibrate, 6).await;
    t.steps(1, Vibrate, 12).await;
    t.steps(0, Vibrate, 0).await;
    t.stop().await;
    assert_eq!(
        t.take(),
        vec![
            on(0x03, 0x09, 0x01),
            on(0x0F, 0x09, 0x03),
            on(0x0F, 0x03, 0x02),
            wr(Tx, &OFF)
        ]
    );
}
