//! Sexverse v6 (Aether, Sirius): every motor in one packet
//! `[0xAA, 0x03, 0x03, vibe, osc, suck]` on `tx`, without response.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::play;
use crate::sweep::*;

fn packet(vibe: u8, osc: u8, suck: u8) -> Op {
    w(Tx, &[0xAA, 0x03, 0x03, vibe, osc, suck])
}

#[tokio::test]
async fn aether_vibration_and_oscillation() {
    let t = connect("A06K01C", "Sexverse Aether", &[]).await;
    assert_eq!(t.outputs(), vec![vec![Vibrate], vec![Oscillate]]);
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [0x00, 0x05, 0x32, 0x64, 0x00].map(|v| packet(v, 0, 0))
    );
    let t = connect("A06K01C", "Sexverse Aether", &[]).await;
    assert_eq!(
        sweep(&t, 1, Oscillate).await,
        [0x00, 0x05, 0x32, 0x64, 0x00].map(|o| packet(0, o, 0))
    );
}

#[tokio::test]
async fn sirius_packs_three_motors() {
    let t = connect("A14M01C", "Sexverse Sirius", &[]).await;
    assert_eq!(
        t.outputs(),
        vec![vec![Vibrate], vec![Oscillate], vec![Constrict]]
    );
    assert_eq!(
        sweep(&t, 2, Constrict).await,
        [0x00, 0x05, 0x32, 0x64, 0x00].map(|s| packet(0, 0, s))
    );
    assert_eq!(
        play(
            &t,
            &[(0, Vibrate, 0.3), (1, Oscillate, 0.6), (2, Constrict, 0.9)]
        )
        .await,
        vec![
            packet(0x1E, 0, 0),
            packet(0x1E, 0x3C, 0),
            packet(0x1E, 0x3C, 0x5A),
            packet(0, 0, 0),
        ]
    );
}
