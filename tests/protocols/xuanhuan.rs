//! Xuanhuan: `[0x03, 0x02, 0x00, s]` with response, refreshed while the motor runs.

use std::time::Duration;

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::sweep;
use crate::sweep::connect;

#[tokio::test]
async fn vibration() {
    let t = connect("QUXIN", "Xuanhuan Masturbator", &[]).await;
    let ops = sweep(&t, 0, Vibrate).await;
    assert_eq!(
        ops,
        [0x00, 0x01, 0x05, 0x0A, 0x00].map(|s| wr(Tx, &[0x03, 0x02, 0x00, s]))
    );
}

#[tokio::test]
async fn running_motor_is_refreshed_until_stopped() {
    let t = connect("QUXIN", "Xuanhuan Masturbator", &[]).await;
    t.set(0, Vibrate, 0.5).await;
    let ops = t.wait_ops(3).await;
    assert_eq!(ops, [0x05; 3].map(|s| wr(Tx, &[0x03, 0x02, 0x00, s])));
    let at: Vec<_> = t.sim.writes().iter().map(|r| r.at).collect();
    assert!(at[1] - at[0] >= Duration::from_millis(290), "{at:?}");
    assert!(at[2] - at[1] >= Duration::from_millis(290), "{at:?}");
    t.stop().await;
    t.take();
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(t.take(), vec![], "no refresh after a stop");
}
