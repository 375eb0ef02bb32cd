//! Svakom Iker: the main motor as `[0x55, 0x03, 0x03, 0x00, 0x01, level]`, the second as
//! `[0x55, 0x07, 0x00, 0x00, level, 0x00]` when it runs, and `[0x55, 0x07, 0, 0, 0, 0]`
//! when both are off.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::play;
use crate::sweep::*;

fn main_motor(s: u8) -> Op {
    w(Tx, &[0x55, 0x03, 0x03, 0x00, 0x01, s])
}

fn second_motor(s: u8) -> Op {
    w(Tx, &[0x55, 0x07, 0x00, 0x00, s, 0x00])
}

#[tokio::test]
async fn main_motor_sweep() {
    let t = connect("Iker", "Svakom Iker", &[]).await;
    assert_eq!(t.outputs(), vec![vec![Vibrate], vec![Vibrate]]);
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        vec![
            second_motor(0),
            main_motor(0x01),
            main_motor(0x05),
            main_motor(0x0A),
            second_motor(0),
        ]
    );
}

#[tokio::test]
async fn second_motor_rides_with_the_main_packet() {
    let t = connect("Iker", "Svakom Iker", &[]).await;
    assert_eq!(
        play(
            &t,
            &[(1, Vibrate, 0.5), (0, Vibrate, 1.0), (1, Vibrate, 0.0)]
        )
        .await,
        vec![
            // 0..5: 0.5 is step 3; the main motor's packet goes first, at level 0.
            main_motor(0x00),
            second_motor(0x03),
            main_motor(0x0A),
            second_motor(0x03),
            // The second motor stopping while the main one runs: only the main packet.
            main_motor(0x0A),
            second_motor(0),
        ]
    );
}
