//! Vorze SA: three-byte packets with response; variant and device code from the
//! configuration and the advertised name.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::{play, sweep};

#[tokio::test]
async fn single_vibrators_bach_and_rocket() {
    let t = toy("Bach smart").await;
    assert_eq!(t.name(), "Vorze Bach");
    assert_eq!(t.take(), vec![], "no handshake");
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [0x00, 0x05, 0x32, 0x64, 0x00].map(|s| wr(Tx, &[0x06, 0x03, s]))
    );
    let rocket = toy("ROCKET").await;
    rocket.take();
    rocket.set(0, Vibrate, 0.5).await;
    assert_eq!(rocket.take(), vec![wr(Tx, &[0x07, 0x03, 0x32])]);
}

#[tokio::test]
async fn single_rotators_encode_direction_in_bit_7() {
    let t = toy("CycSA").await;
    assert_eq!(t.name(), "Vorze A10 Cyclone SA");
    // Zero counts as clockwise: a stopped rotor is 0x80.
    assert_eq!(
        sweep(&t, 0, Rotate).await,
        [0x80, 0x85, 0xB2, 0xE3, 0x80].map(|b| wr(Tx, &[0x01, 0x01, b]))
    );
    assert_eq!(
        play(&t, &[(0, Rotate, -0.5), (0, Rotate, -0.05)]).await,
        vec![
            wr(Tx, &[0x01, 0x01, 0x32]),
            wr(Tx, &[0x01, 0x01, 0x05]),
            wr(Tx, &[0x01, 0x01, 0x80])
        ]
    );
    let ufo = toy("UFOSA").await;
    ufo.take();
    ufo.set(0, Rotate, 0.5).await;
    assert_eq!(ufo.take(), vec![wr(Tx, &[0x02, 0x01, 0xB2])]);
}

#[tokio::test]
async fn ufo_tw_packs_both_rotors() {
    let t = toy("UFO-TW").await;
    assert_eq!(t.outputs(), vec![vec![Rotate], vec![Rotate]]);
    assert_eq!(
        play(&t, &[(0, Rotate, 0.5), (1, Rotate, -0.2)]).await,
        vec![
            wr(Tx, &[0x05, 0xB2, 0x80]),
            wr(Tx, &[0x05, 0xB2, 0x14]),
            wr(Tx, &[0x05, 0x80, 0x80])
        ]
    );
}

#[tokio::test]
async fn omorfi_packs_both_motors() {
    let t = toy("OMORFI").await;
    assert_eq!(
        play(
            &t,
            &[(0, Vibrate, 0.5), (1, Vibrate, 1.0), (1, Vibrate, 0.05)]
        )
        .await,
        vec![
            wr(Tx, &[0x09, 0x32, 0x00]),
            wr(Tx, &[0x09, 0x32, 0x63]),
            wr(Tx, &[0x09, 0x32, 0x05]),
            wr(Tx, &[0x09, 0x00, 0x00]),
        ]
    );
}

#[tokio::test]
async fn piston_speed_follows_distance_and_duration() {
    let t = toy("VorzePiston").await;
    assert_eq!(t.outputs(), vec![vec![HwPositionWithDuration]]);
    t.take();
    t.move_to(1.0, 1000).await;
    t.move_to(0.0, 500).await;
    // Positions are floored: 0.51 of 99 steps is step 50.
    t.move_to(0.51, 200).await;
    t.move_to(0.51, 300).await;
    t.stop().await;
    assert_eq!(
        t.take(),
        vec![
            wr(Tx, &[0x03, 0x63, 0x04]),
            wr(Tx, &[0x03, 0x00, 0x09]),
            wr(Tx, &[0x03, 0x32, 0x0C]),
            wr(Tx, &[0x03, 0x32, 0x64]),
        ],
        "stop sends nothing to a position output"
    );
    let fresh = toy("VorzePiston").await;
    fresh.take();
    fresh.move_to(1.0, 100).await;
    let again = toy("VorzePiston").await;
    again.take();
    again.move_to(0.102, 2000).await;
    assert_eq!(fresh.take(), vec![wr(Tx, &[0x03, 0x63, 0x44])]);
    assert_eq!(again.take(), vec![wr(Tx, &[0x03, 0x0A, 0x00])]);
}
