//! Fluffer: manufacturer-data matching, the encrypted authentication, and encrypted
//! packets carrying both motors.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{Rx, Tx};
use plugwire::hardware::simulated::SimulatedDeviceSpec;
use sha2::{Digest, Sha256};

use crate::cipher::decrypt;
use crate::harness::*;
use crate::settings::{play, sweep};

const KEY: &[u8; 16] = b"jdk#Flu%y6fer32f";

/// A toy advertising the fact sheet's example manufacturer data.
fn fluffer(name: &str) -> SimulatedDeviceSpec {
    SimulatedDeviceSpec {
        name: name.into(),
        manufacturer_data: vec![(26698, vec![0x11, 0x00, 0x7A, 0x79, 0x22])],
        ..Default::default()
    }
}

#[tokio::test]
async fn authentication_hashes_random_bytes_with_the_advertisement() {
    let t = toy_with(fluffer("FDGTHING")).await;
    assert_eq!(t.name(), "Fluffer G-Thing");
    let ops = t.take();
    assert_eq!(ops.len(), 3, "{ops:?}");
    assert_eq!(ops[0], Op::Subscribe(Rx));
    let Op::Write(Tx, ref request, false) = ops[1] else {
        panic!("{:?}", ops[1]);
    };
    assert_eq!(request.len(), 16);
    let plain = decrypt(KEY, &ops[1]);
    assert_eq!(plain[..3], [0xA5, 0x01, 0x08]);
    assert_eq!(plain.len(), 11);
    // a = [0x00, 0x7A ^ 0x79, 0x79, 0x22 ^ 0x79] for data 11 00 7A 79 22.
    let digest = Sha256::new()
        .chain_update(&plain[3..7])
        .chain_update([0x00, 0x03, 0x79, 0x5B])
        .finalize();
    assert_eq!(plain[7..], digest[..4]);
    assert_eq!(
        ops[2],
        w(
            Tx,
            &[
                0xD9, 0xA0, 0x64, 0x11, 0xF5, 0xE2, 0x4E, 0x7E, 0x05, 0xDB, 0x14, 0x1D, 0x95, 0x63,
                0x05, 0xD5
            ]
        )
    );
}

#[tokio::test]
async fn vibration_is_encrypted() {
    let t = toy_with(fluffer("FDGTHING")).await;
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        vec![
            w(
                Tx,
                &[
                    0xD3, 0xAF, 0x8C, 0xB6, 0xB5, 0x05, 0x3C, 0x01, 0x7E, 0xC0, 0xD3, 0x7F, 0x5B,
                    0x06, 0x44, 0x21
                ]
            ),
            w(
                Tx,
                &[
                    0xCD, 0xF2, 0x8F, 0x9C, 0x55, 0xF3, 0x20, 0x65, 0xBA, 0xF1, 0x43, 0x58, 0x1F,
                    0x15, 0xD4, 0x2B
                ]
            ),
            w(
                Tx,
                &[
                    0x4D, 0x8F, 0xAD, 0x2B, 0x38, 0xD0, 0x70, 0x1C, 0x81, 0x37, 0x7D, 0x72, 0x96,
                    0xC0, 0x15, 0x26
                ]
            ),
            w(
                Tx,
                &[
                    0x34, 0x86, 0x9A, 0x67, 0x7B, 0x8E, 0x6F, 0xA9, 0xE9, 0x2B, 0x53, 0xF8, 0x37,
                    0xC5, 0x25, 0x3C
                ]
            ),
            w(
                Tx,
                &[
                    0xD3, 0xAF, 0x8C, 0xB6, 0xB5, 0x05, 0x3C, 0x01, 0x7E, 0xC0, 0xD3, 0x7F, 0x5B,
                    0x06, 0x44, 0x21
                ]
            ),
        ]
    );
}

#[tokio::test]
async fn motorbunny_classic_counter_clockwise_rotation() {
    let t = toy_with(fluffer("MBO")).await;
    assert_eq!(t.outputs(), vec![vec![Vibrate], vec![Rotate]]);
    let ops = play(&t, &[(0, Vibrate, 0.5), (1, Rotate, -0.5)]).await;
    assert_eq!(
        ops[1],
        w(
            Tx,
            &[
                0x87, 0x61, 0xAC, 0xB9, 0x20, 0xF1, 0xD0, 0xCA, 0xAD, 0xD0, 0xD1, 0x0F, 0x5F, 0x57,
                0x93, 0xB4
            ]
        )
    );
    let plain: Vec<Vec<u8>> = ops.iter().map(|op| decrypt(KEY, op)).collect();
    assert_eq!(
        plain,
        vec![
            vec![0x82, 0x0F, 0x05, 0x00, 0x32, 0x00, 0x00, 0x00],
            vec![0x82, 0x0F, 0x05, 0x00, 0x32, 0x96, 0x00, 0x00],
            vec![0x82, 0x0F, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00],
        ]
    );
}

#[tokio::test]
async fn motorbunny_buck_oscillation() {
    let t = toy_with(fluffer("MBB")).await;
    assert_eq!(t.outputs(), vec![vec![Vibrate], vec![Oscillate]]);
    t.take();
    t.steps(0, Vibrate, 30).await;
    t.steps(1, Oscillate, 75).await;
    assert_eq!(
        t.take()[1],
        w(
            Tx,
            &[
                0xBC, 0x18, 0x98, 0x6C, 0x57, 0xAC, 0x0B, 0xA2, 0x51, 0xC9, 0x3D, 0x44, 0x8D, 0xE0,
                0x2B, 0x68
            ]
        )
    );
}
