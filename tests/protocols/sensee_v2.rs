//! Sensee v2: the device type from the init read, grouped motors, stop.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::test_kit::*;

fn capsule(vibe: u8, suck: u8) -> Op {
    w(
        Tx,
        &[
            0x55, 0xAA, 0xF0, 0x02, 0x00, 0x0D, 0x65, 0xF1, 0x02, 0x00, 0x01, 0x01, vibe, 0x02,
            0x01, 0x01, suck, 0x00, 0x00,
        ],
    )
}

#[tokio::test]
async fn init_read_then_values() {
    let t = toy("CCPA10S2").await;
    assert_eq!(t.name(), "Sensee Capsule");
    assert_eq!(t.take(), vec![Op::Read(Tx)]);
    for v in [0.0, 0.05, 0.5, 1.0] {
        t.set(0, Vibrate, v).await;
    }
    t.set(1, Constrict, 0.05).await;
    t.set(1, Constrict, 0.5).await;
    t.set(1, Constrict, 1.0).await;
    t.stop().await;
    assert_eq!(
        t.take(),
        vec![
            capsule(0x00, 0x00),
            capsule(0x05, 0x00),
            capsule(0x32, 0x00),
            capsule(0x64, 0x00),
            capsule(0x64, 0x05),
            capsule(0x64, 0x32),
            capsule(0x64, 0x64),
            capsule(0x00, 0x00),
        ]
    );
}

#[tokio::test]
async fn vibrate_and_thrust() {
    let t = toy("Easylive NO8 Cup").await;
    assert_eq!(t.name(), "Sensee No8");
    t.take();
    t.steps(0, Vibrate, 30).await;
    t.steps(1, Oscillate, 70).await;
    assert_eq!(
        t.take()[1],
        w(
            Tx,
            &[
                0x55, 0xAA, 0xF0, 0x02, 0x00, 0x0D, 0x65, 0xF1, 0x02, 0x00, 0x01, 0x01, 0x1E, 0x01,
                0x01, 0x01, 0x46, 0x00, 0x00
            ]
        )
    );
}

#[tokio::test]
async fn suck_only_and_three_groups() {
    let t = toy("qingnan#16").await;
    t.take();
    t.set(0, Constrict, 0.5).await;
    assert_eq!(
        t.take(),
        vec![w(
            Tx,
            &[
                0x55, 0xAA, 0xF0, 0x02, 0x00, 0x09, 0x65, 0xF1, 0x01, 0x02, 0x01, 0x01, 0x32, 0x00,
                0x00
            ]
        )]
    );
    let t = toy("CCPB22S5").await;
    assert_eq!(t.name(), "Sensee Markel");
    t.take();
    t.steps(0, Vibrate, 10).await;
    t.steps(1, Oscillate, 20).await;
    t.steps(2, Constrict, 30).await;
    assert_eq!(
        t.take()[2],
        w(
            Tx,
            &[
                0x55, 0xAA, 0xF0, 0x02, 0x00, 0x11, 0x65, 0xF1, 0x03, 0x00, 0x01, 0x01, 0x0A, 0x01,
                0x01, 0x01, 0x14, 0x02, 0x01, 0x01, 0x1E, 0x00, 0x00
            ]
        )
    );
}

#[tokio::test]
async fn device_type_from_the_read() {
    let t = toy_model("CCPA18S5", "66").await;
    t.take();
    t.set(0, Vibrate, 0.5).await;
    assert_eq!(
        t.take(),
        vec![w(
            Tx,
            &[
                0x55, 0xAA, 0xF0, 0x02, 0x00, 0x0D, 0x66, 0xF1, 0x02, 0x00, 0x01, 0x01, 0x32, 0x02,
                0x01, 0x01, 0x00, 0x00, 0x00
            ]
        )]
    );
}
