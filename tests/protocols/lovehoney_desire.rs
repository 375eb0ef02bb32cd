//! Lovehoney Desire: `[0xF3, motor, level]`, motor 0 for all motors at one level.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn single_motor_levels() {
    let t = connect("LOVE EGG", "Lovehoney Desire Love Egg", &[]).await;
    let levels = [0x00, 0x07, 0x40, 0x7F, 0x00];
    let packets = levels.map(|l| wr(Tx, &[0xF3, 0x00, l]));
    assert_eq!(sweep(&t, 0, Vibrate).await, packets.to_vec());
}

#[tokio::test]
async fn two_motors_split_only_when_they_differ() {
    let t = connect("PROSTATE VIBE", "Lovehoney Desire Prostate Vibrator", &[]).await;
    t.set(0, Vibrate, 0.5).await;
    t.set(1, Vibrate, 0.5).await;
    t.set(1, Vibrate, 1.0).await;
    t.stop().await;
    let packets = [
        [0x01, 0x40],
        [0x02, 0x00],
        [0x00, 0x40],
        [0x01, 0x40],
        [0x02, 0x7F],
        [0x00, 0x00],
    ];
    assert_eq!(
        t.take(),
        packets.map(|p| wr(Tx, &[0xF3, p[0], p[1]])).to_vec()
    );
}
