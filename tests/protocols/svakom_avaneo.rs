//! Svakom Ava Neo: vibration `[0x55, 0x03, 0x00, 0x00, on, level]` and oscillation
//! `[0x55, 0x08, 0x00, 0x00, level, 0xFF]`, without response.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

fn vibe(on: u8, s: u8) -> Op {
    w(Tx, &[0x55, 0x03, 0x00, 0x00, on, s])
}

fn osc(s: u8) -> Op {
    w(Tx, &[0x55, 0x08, 0x00, 0x00, s, 0xFF])
}

#[tokio::test]
async fn vibration_sweep() {
    let t = connect("Ava Neo", "Svakom Ava Neo", &[]).await;
    assert_eq!(t.outputs(), vec![vec![Vibrate], vec![Oscillate]]);
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        vec![
            vibe(0, 0x00),
            vibe(1, 0x01),
            vibe(1, 0x05),
            vibe(1, 0x0A),
            vibe(0, 0x00),
            osc(0x00),
        ]
    );
}

#[tokio::test]
async fn oscillation_is_on_or_off() {
    let t = connect("Ava Neo", "Svakom Ava Neo", &[]).await;
    // One step: 0.05, 0.5 and 1.0 are all step 1, written once.
    assert_eq!(
        sweep(&t, 1, Oscillate).await,
        vec![osc(0x00), osc(0x01), vibe(0, 0x00), osc(0x00)]
    );
}
