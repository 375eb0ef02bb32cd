//! MysteryVibe v2: mode write on connect, then one byte per motor, repeated every 93 ms.

use std::time::Duration;

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{TxMode, TxVibrate};

use crate::harness::*;
use crate::settings::{play, sweep, without_repeats};

#[tokio::test]
async fn crescendo_2_six_motors() {
    let t = toy("6908 MV1").await;
    assert_eq!(t.name(), "MysteryVibe Crescendo 2");
    assert_eq!(t.take()[0], wr(TxMode, &[0x03, 0x02, 0x40]));
    // 0.05 of 56 steps is ceil(2.8) = 3; 0.5 is 28.
    let zeros = w(TxVibrate, &[0x00, 0, 0, 0, 0, 0]);
    // The sweep starts at zero, which is also what the keepalive sends before it.
    assert_eq!(
        without_repeats(sweep(&t, 0, Vibrate).await, &[]),
        [0x00, 0x03, 0x1C, 0x38, 0x00].map(|s| w(TxVibrate, &[s, 0, 0, 0, 0, 0]))
    );
    assert_eq!(
        without_repeats(
            play(&t, &[(0, Vibrate, 1.0), (3, Vibrate, 0.5)]).await,
            std::slice::from_ref(&zeros)
        ),
        vec![
            w(TxVibrate, &[0x38, 0, 0, 0, 0, 0]),
            w(TxVibrate, &[0x38, 0, 0, 0x1C, 0, 0]),
            zeros.clone(),
        ]
    );
}

#[tokio::test]
async fn tenuto_mini_defaults() {
    let t = toy("6907 MV1").await;
    assert_eq!(
        t.outputs(),
        vec![vec![Vibrate], vec![Vibrate], vec![Vibrate]]
    );
    assert_eq!(
        without_repeats(
            play(&t, &[(1, Vibrate, 0.5)]).await,
            &[w(TxVibrate, &[0x00, 0x00, 0x00])]
        ),
        vec![
            w(TxVibrate, &[0x00, 0x1C, 0x00]),
            w(TxVibrate, &[0x00, 0x00, 0x00])
        ]
    );
}

#[tokio::test]
async fn keepalive_sends_zeros_then_repeats_the_last_packet() {
    let t = toy("6915 MV1").await;
    let connect = t.wait_ops(3).await;
    assert_eq!(
        connect[..3],
        [
            wr(TxMode, &[0x03, 0x02, 0x40]),
            w(TxVibrate, &[0x00]),
            w(TxVibrate, &[0x00])
        ]
    );
    t.take();
    t.set(0, Vibrate, 0.5).await;
    let started = tokio::time::Instant::now();
    let ops = t.wait_ops(3).await;
    assert!(
        started.elapsed() >= Duration::from_millis(180),
        "repeats come every 93 ms"
    );
    assert_eq!(
        ops[..3],
        [
            w(TxVibrate, &[0x1C]),
            w(TxVibrate, &[0x1C]),
            w(TxVibrate, &[0x1C])
        ]
    );
}
