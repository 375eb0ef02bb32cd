//! Mutufun Barney: both motors in the 7-byte Svakom pair packet, with 0x03 as the on flag.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::play;
use crate::sweep::*;

/// (motor select, on flag, level)
fn pair((select, on, level): (u8, u8, u8)) -> Op {
    w(Tx, &[0x55, 0x03, select, 0x00, on, level, 0x00])
}

#[tokio::test]
async fn first_motor_alone() {
    let t = connect("DJ333A", "Mutufun Barney", &[]).await;
    assert_eq!(t.outputs(), vec![vec![Vibrate], vec![Vibrate]]);
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [
            (0, 0, 0x00),
            (1, 3, 0x01),
            (1, 3, 0x05),
            (1, 3, 0x0A),
            (0, 0, 0x00)
        ]
        .map(pair)
    );
}

#[tokio::test]
async fn both_motors_share_the_packet() {
    let t = connect("DJ333A", "Mutufun Barney", &[]).await;
    assert_eq!(
        play(
            &t,
            &[(0, Vibrate, 0.5), (1, Vibrate, 0.8), (0, Vibrate, 0.0)]
        )
        .await,
        [(1, 3, 0x05), (0, 3, 0x08), (2, 3, 0x08), (0, 0, 0x00)].map(pair)
    );
}
