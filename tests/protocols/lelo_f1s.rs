//! Lelo F1s (first version): subscribe on connect, then both motors in one packet.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{Rx, Tx};

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn both_motors_in_one_packet() {
    let t = connect("F1s", "Lelo F1s", &[Op::Subscribe(Rx)]).await;
    let packets = [
        [0x01, 0x00, 0x00],
        [0x01, 0x05, 0x00],
        [0x01, 0x32, 0x00],
        [0x01, 0x64, 0x00],
        [0x01, 0x00, 0x00],
    ];
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        packets.map(|p| w(Tx, &p)).to_vec()
    );
    t.steps(0, Vibrate, 50).await;
    t.steps(1, Vibrate, 100).await;
    assert_eq!(
        t.take(),
        vec![w(Tx, &[0x01, 0x32, 0x00]), w(Tx, &[0x01, 0x32, 0x64])]
    );
}
