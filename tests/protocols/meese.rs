//! Meese: `[0x01, 0x80, 0x01 + feature, step]` with response; the Tera has two motors.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

fn motor(feature: u8, s: u8) -> Op {
    wr(Tx, &[0x01, 0x80, 0x01 + feature, s])
}

#[tokio::test]
async fn tera_has_two_motors_with_their_own_ranges() {
    let t = connect("Meese-V389", "Meese Tera", &[]).await;
    assert_eq!(t.outputs(), vec![vec![Vibrate], vec![Vibrate]]);
    // The stop also zeroes the motor that was never set.
    let mut expected: Vec<Op> = [0, 1, 5, 10, 0].map(|s| motor(0, s)).to_vec();
    expected.push(motor(1, 0));
    assert_eq!(sweep(&t, 0, Vibrate).await, expected);
    // The first stop left motor 1 at 0, so setting 0 again writes nothing; motor 0 is
    // known to be at 0 too, so the second stop writes motor 1 only.
    let expected: Vec<Op> = [1, 2, 3, 0].map(|s| motor(1, s)).to_vec();
    assert_eq!(sweep(&t, 1, Vibrate).await, expected);
}

#[tokio::test]
async fn modo_has_one_motor() {
    let t = connect("Meese-cd", "Meese Modo", &[]).await;
    assert_eq!(t.outputs(), vec![vec![Vibrate]]);
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [0, 1, 5, 10, 0].map(|s| motor(0, s)).to_vec()
    );
}
