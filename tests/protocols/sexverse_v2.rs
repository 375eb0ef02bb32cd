//! Sexverse v2: `[0xAA, 0x04]` on connect, then `[0xAA, 0x03, 0x01, motor, 0x64, level]`
//! per feature, vibrating or oscillating alike.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

fn motor(n: u8, level: u8) -> Op {
    wr(Tx, &[0xAA, 0x03, 0x01, n, 0x64, level])
}

#[tokio::test]
async fn handshake_levels_and_stop() {
    let t = connect("LY272A01", "Sexverse Nolan", &[wr(Tx, &[0xAA, 0x04])]).await;
    assert_eq!(t.outputs(), vec![vec![Vibrate], vec![Oscillate]]);
    let levels = [0x00, 0x01, 0x0A, 0x14, 0x00];
    // The oscillator was never set, so the stop zeroes it too.
    let expected = [levels.map(|l| motor(1, l)).to_vec(), vec![motor(2, 0x00)]];
    assert_eq!(sweep(&t, 0, Vibrate).await, expected.concat());
    t.set(1, Oscillate, 1.0).await;
    assert_eq!(t.take(), vec![motor(2, 0x14)]);
}

#[tokio::test]
async fn third_motor_of_the_saphette() {
    let t = connect("NBQ-B619RX", "Duopeak Saphette", &[wr(Tx, &[0xAA, 0x04])]).await;
    assert_eq!(
        t.outputs(),
        vec![vec![Oscillate], vec![Vibrate], vec![Vibrate]]
    );
    t.steps(2, Vibrate, 5).await;
    assert_eq!(t.take(), vec![motor(3, 0x05)]);
}
