//! Je Joue: `[pattern, speed]`, the pattern saying which motor the speed is for.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn first_motor_values() {
    let t = connect("Je Joue", "Je Joue Device", &[]).await;
    let packets = [
        [0x01, 0x00],
        [0x02, 0x01],
        [0x02, 0x03],
        [0x02, 0x05],
        [0x01, 0x00],
    ];
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        packets.map(|p| w(Tx, &p)).to_vec()
    );
}

#[tokio::test]
async fn second_motor_alone_and_both() {
    let t = connect("Je Joue", "Je Joue Device", &[]).await;
    let packets = [
        [0x01, 0x00],
        [0x03, 0x01],
        [0x03, 0x03],
        [0x03, 0x05],
        [0x01, 0x00],
    ];
    assert_eq!(
        sweep(&t, 1, Vibrate).await,
        packets.map(|p| w(Tx, &p)).to_vec()
    );
    t.steps(1, Vibrate, 4).await;
    t.steps(0, Vibrate, 2).await;
    t.steps(0, Vibrate, 0).await;
    assert_eq!(
        t.take(),
        vec![
            w(Tx, &[0x03, 0x04]),
            w(Tx, &[0x02, 0x02]),
            w(Tx, &[0x03, 0x04])
        ]
    );
}
