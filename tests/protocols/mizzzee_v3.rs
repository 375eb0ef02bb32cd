//! Mizz Zee v3 (XHTKJ): a 20-byte packet with the step lifted into a 10-bit level, with
//! response, repeated every 200 ms.

use std::time::Duration;

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::without_repeats;

fn stop() -> Op {
    let mut p = vec![0x03, 0x12];
    p.extend([0x00; 18]);
    wr(Tx, &p)
}

fn level(lo: u8, hi: u8) -> Op {
    let fill = [0x00, 0xFC, 0x00, 0xFE, 0x40, 0x01];
    let mut p = vec![0x03, 0x12, 0xF3];
    p.extend(fill);
    p.extend([lo, hi]);
    p.extend(fill);
    p.extend([lo, hi, 0x00]);
    wr(Tx, &p)
}

#[tokio::test]
async fn levels_then_stop_without_the_repeats() {
    let t = toy("XHTKJ").await;
    assert_eq!(t.name(), "Mizz Zee Device");
    // The keepalive's first packet (a stop) goes out at connect.
    assert_eq!(t.take(), vec![stop()]);
    for v in [0.0, 0.05, 0.5, 1.0] {
        t.set(0, Vibrate, v).await;
    }
    t.stop().await;
    assert_eq!(
        without_repeats(t.take(), &[stop()]),
        vec![
            level(0xBC, 0x55),
            level(0x3C, 0xA6),
            level(0xFC, 0xFF),
            stop()
        ]
    );
}

#[tokio::test]
async fn the_last_packet_is_repeated_every_200_ms() {
    let t = toy("XHTKJ").await;
    t.take();
    t.set(0, Vibrate, 0.5).await;
    let ops = t.wait_ops(3).await;
    assert_eq!(
        ops[..3],
        [level(0x3C, 0xA6), level(0x3C, 0xA6), level(0x3C, 0xA6)]
    );
    let at: Vec<_> = t.sim.writes().iter().map(|r| r.at).collect();
    assert!(at[1] - at[0] >= Duration::from_millis(180), "{at:?}");
    assert!(at[1] - at[0] < Duration::from_millis(1000), "{at:?}");
    t.stop().await;
}
