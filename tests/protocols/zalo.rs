//! Zalo: `[mode, level0, level1]` with a motor at 0 sent as 1 and mode 0x02 for all off.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn levels_of_the_first_motor() {
    let t = connect("ZALO-Queen", "Zalo Queen", &[]).await;
    let packets = [
        [0x02, 0x01, 0x01],
        [0x01, 0x01, 0x01],
        [0x01, 0x04, 0x01],
        [0x01, 0x08, 0x01],
        [0x02, 0x01, 0x01],
    ];
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        packets.map(|p| wr(Tx, &p)).to_vec()
    );
}

#[tokio::test]
async fn both_motors_share_the_packet() {
    let t = connect("ZALO-King", "Zalo King", &[]).await;
    t.set(0, Vibrate, 0.25).await;
    t.set(1, Vibrate, 0.75).await;
    t.stop().await;
    let packets = [[0x01, 0x02, 0x01], [0x01, 0x02, 0x06], [0x02, 0x01, 0x01]];
    assert_eq!(t.take(), packets.map(|p| wr(Tx, &p)).to_vec());
    let jeanne = connect("ZALO-Jeanne", "Zalo Jeanne", &[]).await;
    assert_eq!(jeanne.outputs(), vec![vec![Vibrate]]);
    jeanne.set(0, Vibrate, 0.5).await;
    assert_eq!(jeanne.take(), vec![wr(Tx, &[0x01, 0x04, 0x01])]);
}
