//! The Cowgirl Cone: a wake-up packet and 3 s before use, then `[0xF1, 0x01, step, 0x00]`.

use std::time::{Duration, Instant};

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::sweep::*;

#[tokio::test]
async fn wakes_up_then_vibrates() {
    let started = Instant::now();
    let t = connect(
        "CG-CONE",
        "The Cowgirl Cone",
        &[w(Tx, &[0xAA, 0x56, 0x00, 0x00])],
    )
    .await;
    assert!(started.elapsed() >= Duration::from_secs(3));
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [0x00, 0x07, 0x40, 0x80, 0x00]
            .map(|s| w(Tx, &[0xF1, 0x01, s, 0x00]))
            .to_vec()
    );
}
