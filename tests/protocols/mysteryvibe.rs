//! MysteryVibe: a mode write on connect, then every motor's level in one packet, repeated
//! every 93 ms so the toy keeps running.

use std::time::Duration;

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{TxMode, TxVibrate};

use crate::harness::*;

/// The packets written, with the keepalive's repeats of the same packet folded into one.
fn distinct(mut ops: Vec<Op>) -> Vec<Op> {
    ops.dedup();
    ops
}

#[tokio::test]
async fn mode_on_connect_then_all_motors_per_packet() {
    let t = toy("MV Crescendo").await;
    assert_eq!(t.name(), "MysteryVibe Crescendo");
    assert_eq!(t.outputs().len(), 6);
    let handshake = t.take();
    assert_eq!(handshake[0], wr(TxMode, &[0x43, 0x02, 0x00]));
    for v in [0.0, 0.05, 0.5, 1.0] {
        t.set(0, Vibrate, v).await;
    }
    t.set(0, Vibrate, 0.5).await;
    t.set(3, Vibrate, 1.0).await;
    t.stop().await;
    let packets = distinct(t.take());
    let zero = w(TxVibrate, &[0x00; 6]);
    let expected = vec![
        zero.clone(),
        w(TxVibrate, &[0x03, 0x00, 0x00, 0x00, 0x00, 0x00]),
        w(TxVibrate, &[0x1C, 0x00, 0x00, 0x00, 0x00, 0x00]),
        w(TxVibrate, &[0x38, 0x00, 0x00, 0x00, 0x00, 0x00]),
        w(TxVibrate, &[0x1C, 0x00, 0x00, 0x00, 0x00, 0x00]),
        w(TxVibrate, &[0x1C, 0x00, 0x00, 0x38, 0x00, 0x00]),
        zero.clone(),
    ];
    // A zero packet may already have been repeated before the first command.
    let packets = if packets.first() == Some(&zero) {
        packets
    } else {
        [vec![zero], packets].concat()
    };
    assert_eq!(packets, expected);
}

#[tokio::test]
async fn last_packet_is_repeated_every_93_ms() {
    let t = toy("MV Poco     ").await;
    assert_eq!(t.name(), "MysteryVibe Poco");
    t.steps(0, Vibrate, 3).await;
    t.steps(1, Vibrate, 56).await;
    t.take();
    tokio::time::sleep(Duration::from_millis(450)).await;
    let repeats = t.take();
    assert!(repeats.len() >= 3, "{repeats:?}");
    assert!(
        repeats.iter().all(|op| *op == w(TxVibrate, &[0x03, 0x38])),
        "{repeats:?}"
    );
}
