//! Fredorch Rotary: a four-frame handshake, then speed moved one step per tick with the
//! faster/slower frames; 0 and stop send the stop frame at once.

use std::time::Duration;

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{Rx, Tx};

use crate::harness::*;
use crate::sweep::*;

const FASTER: [u8; 5] = [0x55, 0x03, 0x01, 0x04, 0xAA];
const SLOWER: [u8; 5] = [0x55, 0x03, 0x02, 0x05, 0xAA];
const STOP: [u8; 5] = [0x55, 0x03, 0x24, 0x27, 0xAA];

async fn settled(t: &Toy, n: usize) -> Vec<Op> {
    let ops = t.wait_ops(n).await;
    // Nothing more once the target is reached.
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(t.take(), ops);
    ops
}

#[tokio::test]
async fn handshake_then_steps_towards_the_target() {
    let t = connect(
        "M1_0042",
        "Fredorch Rotary Device",
        &[
            Op::Subscribe(Rx),
            w(Tx, &[0x55, 0x03, 0x99, 0x9C, 0xAA]),
            w(
                Tx,
                &[
                    0x55, 0x09, 0x21, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2A, 0xAA,
                ],
            ),
            w(Tx, &[0x55, 0x03, 0x1F, 0x22, 0xAA]),
            w(Tx, &STOP),
        ],
    )
    .await;
    t.set(0, Oscillate, 0.0).await;
    assert_eq!(t.take(), vec![w(Tx, &STOP)]);
    // 0.05 of 20 steps is step 1.
    t.set(0, Oscillate, 0.05).await;
    assert_eq!(settled(&t, 1).await, vec![w(Tx, &FASTER)]);
    // 0.5 is step 10: nine more.
    t.set(0, Oscillate, 0.5).await;
    assert_eq!(settled(&t, 9).await, vec![w(Tx, &FASTER); 9]);
    // 0.15 is step 3: seven down.
    t.set(0, Oscillate, 0.15).await;
    assert_eq!(settled(&t, 7).await, vec![w(Tx, &SLOWER); 7]);
    // 1.0 is step 20, then stop before it gets there: the stop frame and no more steps.
    t.set(0, Oscillate, 1.0).await;
    t.wait_ops(2).await;
    t.stop().await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    let ops = t.take();
    let (last, steps) = ops.split_last().expect("writes");
    assert_eq!(last, &w(Tx, &STOP));
    assert!(
        steps.len() >= 2 && steps.iter().all(|op| *op == w(Tx, &FASTER)),
        "{ops:?}"
    );
}
