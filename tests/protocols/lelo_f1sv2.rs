//! Lelo F1s V2: pairing on connect (the toy's token written back), then both motors in
//! one packet; the Harmony shape where the toy has no whitelist characteristic.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{self, Generic, Rx, Tx, TxVibrate, Whitelist};
use plugwire::hardware::simulated::SimulatedDeviceSpec;

use crate::harness::*;
use crate::sweep::*;

const TOKEN: [u8; 8] = [0x3A, 0x91, 0x07, 0x55, 0x10, 0x22, 0x00, 0x4C];

/// Subscribe; the toy asks for its button, then sends its token, which goes back between
/// an unsubscribe and a new subscribe; then the toy says it is paired.
fn pairing(on: Endpoint) -> [Op; 4] {
    [
        Op::Subscribe(on),
        Op::Unsubscribe(on),
        wr(on, &TOKEN),
        Op::Subscribe(on),
    ]
}

#[tokio::test]
async fn pairs_then_sends_both_motors() {
    let t = connect("F1SV2A", "Lelo F1s V2", &pairing(Whitelist)).await;
    let packets = [
        [0x01, 0x00, 0x00],
        [0x01, 0x05, 0x00],
        [0x01, 0x32, 0x00],
        [0x01, 0x64, 0x00],
        [0x01, 0x00, 0x00],
    ];
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        packets.map(|p| wr(Tx, &p)).to_vec()
    );
    t.steps(0, Vibrate, 50).await;
    t.steps(1, Vibrate, 100).await;
    assert_eq!(
        t.take(),
        vec![wr(Tx, &[0x01, 0x32, 0x00]), wr(Tx, &[0x01, 0x32, 0x64])]
    );
}

#[tokio::test]
async fn harmony_shape_without_a_whitelist() {
    let t = toy_with(SimulatedDeviceSpec {
        name: "F1SV2X".into(),
        endpoints: vec![Tx, TxVibrate, Rx, Generic(0)],
        ..Default::default()
    })
    .await;
    assert_eq!(t.take(), pairing(Generic(0)));
    t.steps(1, Vibrate, 50).await;
    t.stop().await;
    let motor = |n: u8, level: u8| {
        w(
            Tx,
            &[0x0A, 0x12, n, 0x08, 0x00, 0x00, 0x00, 0x00, level, 0x00],
        )
    };
    assert_eq!(
        t.take(),
        vec![motor(2, 0x32), motor(1, 0x00), motor(2, 0x00)]
    );
}
