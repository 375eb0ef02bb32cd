//! Fantasy Cup Barnard: vibration `[0x55, 0x03, 0x00, 0x00, level, on]` and oscillation
//! `[0x55, 0x08, 0x00, 0x00, level, 0xFF or 0x00]`, without response.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

fn vibe(s: u8) -> Op {
    w(Tx, &[0x55, 0x03, 0x00, 0x00, s, u8::from(s != 0)])
}

fn osc(s: u8) -> Op {
    w(
        Tx,
        &[0x55, 0x08, 0x00, 0x00, s, if s == 0 { 0x00 } else { 0xFF }],
    )
}

#[tokio::test]
async fn vibration_sweep() {
    let t = connect("DG239A", "Fantasy Cup Barnard", &[]).await;
    assert_eq!(t.outputs(), vec![vec![Vibrate], vec![Oscillate]]);
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        vec![vibe(0), vibe(1), vibe(2), vibe(3), vibe(0), osc(0)]
    );
}

#[tokio::test]
async fn oscillation_sweep() {
    let t = connect("DG239A", "Fantasy Cup Barnard", &[]).await;
    assert_eq!(
        sweep(&t, 1, Oscillate).await,
        vec![osc(0), osc(1), osc(2), osc(3), vibe(0), osc(0)]
    );
}
