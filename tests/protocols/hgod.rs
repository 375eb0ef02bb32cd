//! Hgod: a packet lasts about 100 ms, so a running level is sent again every 100 ms; zero
//! is never sent.

use std::time::Duration;

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn levels_and_no_zero_packet() {
    let t = connect("AMN NEO", "Hgod Device", &[]).await;
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        vec![
            w(Tx, &[0x55, 0x04, 0x00, 0x00, 0x00, 0x01]),
            w(Tx, &[0x55, 0x04, 0x00, 0x00, 0x00, 0x05]),
            w(Tx, &[0x55, 0x04, 0x00, 0x00, 0x00, 0x0A]),
        ]
    );
}

#[tokio::test]
async fn running_level_is_refreshed_every_100_ms_until_zero() {
    let t = connect("AMN NEO", "Hgod Device", &[]).await;
    t.steps(0, Vibrate, 7).await;
    let ops = t.wait_ops(3).await;
    assert_eq!(
        ops[..3],
        [
            w(Tx, &[0x55, 0x04, 0x00, 0x00, 0x00, 0x07]),
            w(Tx, &[0x55, 0x04, 0x00, 0x00, 0x00, 0x07]),
            w(Tx, &[0x55, 0x04, 0x00, 0x00, 0x00, 0x07]),
        ]
    );
    let at: Vec<_> = t.sim.writes().iter().map(|r| r.at).collect();
    assert!(at[1] - at[0] >= Duration::from_millis(90), "{at:?}");
    assert!(at[2] - at[1] >= Duration::from_millis(90), "{at:?}");
    t.stop().await;
    t.take();
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(t.take(), vec![]);
}
