//! Nexus Revo: vibration and rotation packets with response; clockwise adds 2 to the speed.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::play;
use crate::sweep::*;

fn vibrate(s: u8) -> Op {
    wr(Tx, &[0xAA, 0x01, 0x01, 0x00, 0x01, s])
}

fn rotate(r: u8) -> Op {
    wr(Tx, &[0xAA, 0x01, 0x02, 0x00, r, 0x00])
}

#[tokio::test]
async fn vibration() {
    let t = connect("XW-LW3", "Nexus Revo Stealth", &[]).await;
    assert_eq!(t.outputs(), vec![vec![Vibrate], vec![Rotate]]);
    let mut expected: Vec<Op> = [0, 1, 5, 10, 0].map(vibrate).to_vec();
    expected.push(rotate(0));
    assert_eq!(sweep(&t, 0, Vibrate).await, expected);
}

#[tokio::test]
async fn rotation_both_ways() {
    let t = connect("XW-LW3", "Nexus Revo Stealth", &[]).await;
    assert_eq!(
        play(
            &t,
            &[
                (1, Rotate, 0.0),
                (1, Rotate, 0.05),
                (1, Rotate, 1.0),
                (1, Rotate, -0.5),
                (1, Rotate, -1.0),
                (1, Rotate, 0.5),
            ]
        )
        .await,
        vec![
            rotate(0x00),
            rotate(0x03),
            rotate(0x04),
            rotate(0x01),
            rotate(0x02),
            rotate(0x03),
            vibrate(0),
            rotate(0x00),
        ]
    );
}
