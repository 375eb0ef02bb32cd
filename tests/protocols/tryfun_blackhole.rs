//! TryFun Black Hole Plus / Rock: counted, checksummed packets.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::sweep;
use crate::sweep::connect;

#[tokio::test]
async fn every_packet_takes_the_next_number() {
    let t = connect("TF-BHPLUS", "TryFun Black Hole Plus", &[]).await;
    let oscillate = |n, s, c| w(Tx, &[n, 0x02, 0x00, 0x03, 0x0C, s, c]);
    let vibrate = |n, s, c| w(Tx, &[n, 0x02, 0x00, 0x03, 0x09, s, c]);
    // A stop writes every output's zero, in feature order, each with its own number.
    assert_eq!(
        sweep(&t, 0, Oscillate).await,
        vec![
            oscillate(0, 0x00, 0xF4),
            oscillate(1, 0x05, 0xEF),
            oscillate(2, 0x32, 0xC2),
            oscillate(3, 0x64, 0x90),
            oscillate(4, 0x00, 0xF4),
            vibrate(5, 0x00, 0xF7),
        ]
    );
    // The toy knows its outputs are off now: only the running one is stopped again.
    assert_eq!(
        sweep(&t, 1, Vibrate).await,
        vec![
            vibrate(6, 0x05, 0xF2),
            vibrate(7, 0x32, 0xC5),
            vibrate(8, 0x64, 0x93),
            vibrate(9, 0x00, 0xF7),
        ]
    );
}

#[tokio::test]
async fn rock_has_only_the_vibrator_at_index_1() {
    let t = connect("TF-ROCK", "TryFun Rock", &[]).await;
    assert_eq!(
        sweep(&t, 1, Vibrate).await,
        [
            (0, 0x00, 0xF7),
            (1, 0x03, 0xF4),
            (2, 0x19, 0xDE),
            (3, 0x32, 0xC5),
            (4, 0x00, 0xF7)
        ]
        .map(|(n, s, c)| w(Tx, &[n, 0x02, 0x00, 0x03, 0x09, s, c]))
    );
}
