//! Kiiroo v2 vibrators: `[v0, v1, v2]`, all three motors in every packet.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::{play, sweep};

#[tokio::test]
async fn pearl_2_single_motor() {
    let t = toy("Pearl2").await;
    assert_eq!(t.name(), "Kiiroo Pearl 2");
    assert_eq!(t.take(), vec![], "no handshake");
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [0x00, 0x05, 0x32, 0x64, 0x00].map(|s| w(Tx, &[s, 0x00, 0x00]))
    );
}

#[tokio::test]
async fn titan_packs_three_motors() {
    let t = toy("Titan").await;
    assert_eq!(
        t.outputs(),
        vec![vec![Vibrate], vec![Vibrate], vec![Vibrate]]
    );
    assert_eq!(
        play(
            &t,
            &[(0, Vibrate, 0.5), (2, Vibrate, 0.2), (1, Vibrate, 1.0)]
        )
        .await,
        vec![
            w(Tx, &[0x32, 0x00, 0x00]),
            w(Tx, &[0x32, 0x00, 0x14]),
            w(Tx, &[0x32, 0x64, 0x14]),
            w(Tx, &[0x00, 0x00, 0x00])
        ]
    );
}
