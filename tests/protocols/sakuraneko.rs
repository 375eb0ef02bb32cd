//! Sakuraneko: 12-byte packets, the step at byte 7.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::{play, sweep};

fn vibe(s: u8) -> Op {
    w(
        Tx,
        &[
            0xA1, 0x08, 0x01, 0x00, 0x00, 0x00, 0x64, s, 0x00, 0x64, 0xDF, 0x55,
        ],
    )
}

fn rotate(s: u8) -> Op {
    w(
        Tx,
        &[
            0xA2, 0x08, 0x01, 0x00, 0x00, 0x00, 0x64, s, 0x00, 0x32, 0xDF, 0x55,
        ],
    )
}

#[tokio::test]
async fn vibration() {
    let t = toy("sakuraneko-01").await;
    assert_eq!(t.name(), "Sakuraneko Korokoro");
    assert_eq!(t.take(), vec![], "no handshake");
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [0x00, 0x05, 0x32, 0x64, 0x00].map(vibe)
    );
}

#[tokio::test]
async fn koikoi_rotation() {
    let t = toy("sakuraneko-04").await;
    assert_eq!(t.outputs(), vec![vec![Vibrate], vec![Rotate]]);
    assert_eq!(
        play(&t, &[(1, Rotate, 0.5), (0, Vibrate, 0.05)]).await,
        vec![rotate(0x32), vibe(0x05), vibe(0x00), rotate(0x00)]
    );
}
