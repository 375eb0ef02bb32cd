//! Aneros: `[0xF1 + feature, level]`, one packet per motor.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn each_motor_has_its_command() {
    let t = connect("Massage Demo", "Aneros Vivi", &[]).await;
    let levels = [0x00, 0x07, 0x40, 0x7F, 0x00];
    // The second motor was never set, so the stop zeroes it too.
    let expected = [
        levels.map(|l| w(Tx, &[0xF1, l])).to_vec(),
        vec![w(Tx, &[0xF2, 0x00])],
    ];
    assert_eq!(sweep(&t, 0, Vibrate).await, expected.concat());
    t.set(1, Vibrate, 0.5).await;
    t.set(0, Vibrate, 0.25).await;
    t.set(1, Vibrate, 1.0).await;
    assert_eq!(
        t.take(),
        vec![
            w(Tx, &[0xF2, 0x40]),
            w(Tx, &[0xF1, 0x20]),
            w(Tx, &[0xF2, 0x7F])
        ]
    );
}
