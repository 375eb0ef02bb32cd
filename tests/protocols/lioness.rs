//! Lioness: subscribe and a greeting on connect, then `[0x02, 0xAA, 0xBB, 0xCC, 0xCC, level]`.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{Rx, Tx};

use crate::harness::*;
use crate::sweep::*;

fn handshake() -> [Op; 2] {
    [
        Op::Subscribe(Rx),
        wr(Tx, &[0x01, 0xAA, 0xAA, 0xBB, 0xCC, 0x10]),
    ]
}

#[tokio::test]
async fn levels() {
    let t = connect("Lioness", "Lioness", &handshake()).await;
    let levels = [0x00, 0x05, 0x32, 0x64, 0x00];
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        levels
            .map(|l| w(Tx, &[0x02, 0xAA, 0xBB, 0xCC, 0xCC, l]))
            .to_vec()
    );
    connect("Lioness2", "Lioness", &handshake()).await;
}
