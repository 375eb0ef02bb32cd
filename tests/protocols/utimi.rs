//! Utimi: five motor slots in every packet.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::{play, sweep};
use crate::sweep::connect;

fn packet(s0: u8, s1: u8) -> Op {
    w(Tx, &[0xA0, 0x03, s0, s1, 0x00, 0x00, 0x00, 0xAA])
}

#[tokio::test]
async fn every_packet_carries_every_slot() {
    let t = connect("Utimi", "Utimi Prostate Massager", &[]).await;
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [0x00, 0x0D, 0x80, 0xFF, 0x00].map(|s| packet(s, 0))
    );
    assert_eq!(
        play(&t, &[(0, Vibrate, 0.5), (1, Oscillate, 1.0)]).await,
        vec![packet(0x80, 0x00), packet(0x80, 0xFF), packet(0x00, 0x00)]
    );
}

#[tokio::test]
async fn models_by_name() {
    let t = connect("Utimi000040", "Utimi KnotVibe ThrustMaster", &[]).await;
    assert_eq!(t.outputs(), vec![vec![Vibrate], vec![Oscillate]]);
    assert_eq!(
        sweep(&t, 1, Oscillate).await,
        [0x00, 0x0D, 0x80, 0xFF, 0x00].map(|s| packet(0, s))
    );
    let t = connect("Utimi123", "Utimi Device", &[]).await;
    assert_eq!(t.outputs(), vec![vec![Vibrate], vec![Oscillate]]);
}
