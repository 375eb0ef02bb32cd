//! Sexverse v3: `[0xA1, 0x04, s, index + 1]` with response, repeated every 100 ms.

use std::time::Duration;

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::{play, sweep, without_repeats};

fn motor(s: u8, index: u8) -> Op {
    wr(Tx, &[0xA1, 0x04, s, index])
}

#[tokio::test]
async fn vibration() {
    let t = toy("TAY001").await;
    assert_eq!(t.name(), "Sexverse Tay 1");
    assert_eq!(
        without_repeats(sweep(&t, 0, Vibrate).await, &[]),
        [0x00, 0x01, 0x0A, 0x14, 0x00].map(|s| motor(s, 0x01))
    );
}

#[tokio::test]
async fn zeus_second_motor() {
    let t = toy("TA-S001A").await;
    assert_eq!(t.outputs(), vec![vec![Vibrate], vec![Oscillate]]);
    assert_eq!(
        without_repeats(
            play(&t, &[(1, Oscillate, 0.5), (0, Vibrate, 0.05)]).await,
            &[motor(0x00, 0x01), motor(0x00, 0x02)]
        ),
        vec![
            motor(0x0A, 0x02),
            motor(0x01, 0x01),
            motor(0x00, 0x01),
            motor(0x00, 0x02)
        ]
    );
}

#[tokio::test]
async fn keepalive_repeats_the_last_packet_every_100_ms() {
    let t = toy("TAY006").await;
    // Before any command, the toy hears stop packets.
    let before = t.wait_ops(2).await;
    assert_eq!(before[..2], [motor(0x00, 0x01), motor(0x00, 0x01)]);
    t.take();
    t.set(0, Vibrate, 0.5).await;
    let started = tokio::time::Instant::now();
    let ops = t.wait_ops(3).await;
    assert!(
        started.elapsed() >= Duration::from_millis(190),
        "repeats come every 100 ms"
    );
    assert_eq!(
        ops[..3],
        [motor(0x0A, 0x01), motor(0x0A, 0x01), motor(0x0A, 0x01)]
    );
}
