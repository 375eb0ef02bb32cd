//! Ankni: the PnP ID read decides the handshake (an address wants a CRC-16/XMODEM check
//! byte); vibrate is `[0x03, 0x12, step]` padded to 20 bytes, all with response.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{Generic, Tx};
use plugwire::hardware::simulated::SimulatedDeviceSpec;

use crate::harness::*;
use crate::sweep::*;

fn padded(head: &[u8]) -> Vec<u8> {
    let mut p = head.to_vec();
    p.resize(20, 0x00);
    p
}

#[tokio::test]
async fn an_address_in_the_pnp_id_gets_the_check_byte() {
    // The simulated toy's address is 11 22 33 44 55 66: CRC-16/XMODEM of
    // 01 11 22 33 44 55 66 has the high byte 0x20.
    let mut second = vec![0x01, 0x02];
    second.extend([0x20; 16]);
    let t = connect(
        "DSJM",
        "Roselex Device",
        &[
            Op::Read(Generic(0)),
            wr(Tx, &[0x01; 20]),
            wr(Tx, &padded(&second)),
        ],
    )
    .await;
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        [0x00, 0x01, 0x02, 0x03, 0x00]
            .map(|s| wr(Tx, &padded(&[0x03, 0x12, s])))
            .to_vec()
    );
}

#[tokio::test]
async fn another_address_another_check_byte() {
    // CRC-16/XMODEM of 01 A4 C1 38 0B 5E 21 has the high byte 0x86.
    let t = toy_with(SimulatedDeviceSpec {
        name: "DSJM".into(),
        key: Some(vec![0xA4, 0xC1, 0x38, 0x0B, 0x5E, 0x21]),
        ..Default::default()
    })
    .await;
    let mut second = vec![0x01, 0x02];
    second.extend([0x86; 16]);
    assert_eq!(
        t.take(),
        vec![
            Op::Read(Generic(0)),
            wr(Tx, &[0x01; 20]),
            wr(Tx, &padded(&second)),
        ]
    );
}

#[tokio::test]
async fn an_ordinary_pnp_id_needs_no_handshake() {
    let t = toy_with(SimulatedDeviceSpec {
        name: "DSJM".into(),
        key: Some(vec![0x01, 0x5D, 0x00, 0x01, 0x00, 0x00, 0x01]),
        ..Default::default()
    })
    .await;
    assert_eq!(t.take(), vec![Op::Read(Generic(0))]);
    t.set(0, Vibrate, 0.5).await;
    assert_eq!(t.take(), vec![wr(Tx, &padded(&[0x03, 0x12, 0x02]))]);
}
