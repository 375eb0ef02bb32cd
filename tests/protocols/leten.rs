//! Leten: `[0x04, 0x01]` on connect, `[0x02, level]` with response, repeated every second.

use std::time::Duration;

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

/// The greeting, then the keepalive's first (stop) packet, which goes out at once.
fn handshake() -> [Op; 2] {
    [wr(Tx, &[0x04, 0x01]), wr(Tx, &[0x02, 0x00])]
}

#[tokio::test]
async fn levels() {
    let t = connect("T528-LT", "Leten Device", &handshake()).await;
    let packets = [
        [0x02, 0x00],
        [0x02, 0x02],
        [0x02, 0x0D],
        [0x02, 0x19],
        [0x02, 0x00],
    ];
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        packets.map(|p| wr(Tx, &p)).to_vec()
    );
    for name in ["F537-LT", "F520B-LT", "F520A-LT"] {
        connect(name, "Leten Device", &handshake()).await;
    }
}

#[tokio::test]
async fn last_packet_is_repeated_every_second() {
    let t = connect("F537-LT", "Leten Device", &handshake()).await;
    t.steps(0, Vibrate, 10).await;
    let ops = t.wait_ops(2).await;
    assert_eq!(ops[..2], [wr(Tx, &[0x02, 0x0A]), wr(Tx, &[0x02, 0x0A])]);
    let at: Vec<_> = t.sim.writes().iter().map(|r| r.at).collect();
    assert!(at[1] - at[0] >= Duration::from_millis(950), "{at:?}");
}
