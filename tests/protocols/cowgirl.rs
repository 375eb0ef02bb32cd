//! The Cowgirl: `[0x00, 0x01, vibrate, rotate]` with response, both in every packet.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn vibrator_levels() {
    let t = connect("THE COWGIRL", "The Cowgirl", &[]).await;
    assert_eq!(t.outputs(), vec![vec![Vibrate], vec![Rotate]]);
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [0x00, 0x0D, 0x80, 0xFF, 0x00]
            .map(|s| wr(Tx, &[0x00, 0x01, s, 0x00]))
            .to_vec()
    );
}

#[tokio::test]
async fn rotator_levels_share_the_packet() {
    let t = connect("THE UNICORN", "The Unicorn", &[]).await;
    t.set(0, Vibrate, 0.5).await;
    t.take();
    assert_eq!(
        sweep(&t, 1, Rotate).await,
        vec![
            wr(Tx, &[0x00, 0x01, 0x80, 0x00]),
            wr(Tx, &[0x00, 0x01, 0x80, 0x0D]),
            wr(Tx, &[0x00, 0x01, 0x80, 0x80]),
            wr(Tx, &[0x00, 0x01, 0x80, 0xFF]),
            wr(Tx, &[0x00, 0x01, 0x00, 0x00]),
        ]
    );
}
