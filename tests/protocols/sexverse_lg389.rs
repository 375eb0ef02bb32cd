//! Sexverse LG389: vibration and oscillation in one packet
//! `[0xAA, 0x05, vibe, 0x14, anchor, 0x00, range, 0x00, osc, 0x00]`, written with response.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::play;
use crate::sweep::*;

/// The packet for a vibration and an oscillation step; a running oscillation is anchored to
/// the base (0x01) over the full range (0x04).
fn packet(vibe: u8, osc: u8) -> Op {
    let (anchor, range) = if osc == 0 { (0x00, 0x00) } else { (0x01, 0x04) };
    wr(
        Tx,
        &[0xAA, 0x05, vibe, 0x14, anchor, 0x00, range, 0x00, osc, 0x00],
    )
}

#[tokio::test]
async fn vibration_sweep() {
    let t = connect("LG389", "Sexverse LG389", &[]).await;
    assert_eq!(t.outputs(), vec![vec![Vibrate], vec![Oscillate]]);
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [(0, 0), (1, 0), (2, 0), (3, 0), (0, 0)].map(|(v, o)| packet(v, o))
    );
}

#[tokio::test]
async fn oscillation_shares_the_packet() {
    let t = connect("LG389", "Sexverse LG389", &[]).await;
    assert_eq!(
        sweep(&t, 1, Oscillate).await,
        [(0, 0), (0, 1), (0, 5), (0, 10), (0, 0)].map(|(v, o)| packet(v, o))
    );
    assert_eq!(
        play(&t, &[(0, Vibrate, 1.0), (1, Oscillate, 0.5)]).await,
        vec![packet(3, 0), packet(3, 5), packet(0, 0)]
    );
}
