//! The Handy on firmware 4+: battery and capabilities asked on connect, then Handy RPC
//! requests with ids counting from 1.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{Rx, Tx};

use crate::harness::*;
use crate::sweep::*;

/// `RpcMessage{REQUEST, Request{id, ...}}` around the request's parameters.
fn request(id: u8, params: &[u8]) -> Op {
    let len = 2 + params.len() as u8;
    wr(
        Tx,
        &[&[0x08, 0x01, 0x12, len, 0x10, id][..], params].concat(),
    )
}

#[tokio::test]
async fn asks_battery_and_capabilities_on_connect() {
    let t = toy("OHD_hw4_A1B2C3").await;
    assert_eq!(t.name(), "The Handy 2 Pro");
    assert_eq!(
        t.take(),
        vec![
            Op::Subscribe(Rx),
            w(Tx, &[0x08, 0x01, 0x12, 0x05, 0x10, 0x01, 0xB2, 0x2C, 0x00]),
            w(Tx, &[0x08, 0x01, 0x12, 0x05, 0x10, 0x02, 0xCA, 0x2C, 0x00]),
        ]
    );
    assert_eq!(toy("OHD_hw3_0001").await.name(), "The Handy 2 Standard");
    assert_eq!(toy("OHD_hw0_0001").await.name(), "The Handy (FW4+)");
}

#[tokio::test]
async fn timed_moves() {
    let t = toy("OHD_hw3_0001").await;
    assert_eq!(t.outputs(), vec![vec![HwPositionWithDuration]]);
    t.take();
    for (position, ms) in [(0.0, 500), (0.05, 500), (0.5, 500), (1.0, 500), (0.5, 1000)] {
        t.move_to(position, ms).await;
    }
    assert_eq!(
        t.take(),
        vec![
            request(1, &[0xC2, 0x2E, 0x05, 0x10, 0xF4, 0x03, 0x18, 0x01]),
            request(
                2,
                &[
                    0xC2, 0x2E, 0x0A, 0x0D, 0xCD, 0xCC, 0x4C, 0x3D, 0x10, 0xF4, 0x03, 0x18, 0x01
                ]
            ),
            request(
                3,
                &[
                    0xC2, 0x2E, 0x0A, 0x0D, 0x00, 0x00, 0x00, 0x3F, 0x10, 0xF4, 0x03, 0x18, 0x01
                ]
            ),
            request(
                4,
                &[
                    0xC2, 0x2E, 0x0A, 0x0D, 0x00, 0x00, 0x80, 0x3F, 0x10, 0xF4, 0x03, 0x18, 0x01
                ]
            ),
            request(
                5,
                &[
                    0xC2, 0x2E, 0x0A, 0x0D, 0x00, 0x00, 0x00, 0x3F, 0x10, 0xE8, 0x07, 0x18, 0x01
                ]
            ),
        ]
    );
    t.stop().await;
    assert_eq!(t.take(), vec![]);
}

#[tokio::test]
async fn the_oh_vibrates() {
    let t = toy("OHD_hw1_0001").await;
    assert_eq!(t.name(), "The Oh!");
    t.take();
    assert_eq!(t.outputs(), vec![vec![Vibrate]]);
    let hvp_set =
        |amplitude: [u8; 4]| [&[0xA2, 0x38, 0x07, 0x0D][..], &amplitude, &[0x10, 0x64]].concat();
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        vec![
            request(1, &[0xAA, 0x38, 0x00]),
            request(2, &hvp_set([0xCD, 0xCC, 0x4C, 0x3D])),
            request(3, &hvp_set([0x00, 0x00, 0x00, 0x3F])),
            request(4, &hvp_set([0x00, 0x00, 0x80, 0x3F])),
            request(5, &[0xAA, 0x38, 0x00]),
        ]
    );
}
