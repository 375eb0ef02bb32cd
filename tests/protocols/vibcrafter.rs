//! VibCrafter: encrypted challenge authentication, then encrypted `MtInt:AABB;` packets.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{Rx, Tx};

use crate::cipher::decrypt;
use crate::harness::*;
use crate::settings::{play, sweep};

const KEY: &[u8; 16] = b"jdk#Cra%f5Vib28r";

#[tokio::test]
async fn authentication_answers_the_challenge() {
    // The simulated toy sets the challenge `Ab12:X7k2;`; SHA-256("X7k2") starts 21 E0.
    let t = toy("be gentle").await;
    assert_eq!(t.name(), "VibCrafter Harlow");
    let ops = t.take();
    assert_eq!(ops.len(), 3, "{ops:?}");
    assert_eq!(ops[0], Op::Subscribe(Rx));
    assert!(matches!(&ops[1], Op::Write(Tx, data, false) if data.len() == 16));
    let hello = String::from_utf8(decrypt(KEY, &ops[1])).unwrap();
    let token = hello
        .strip_prefix("Auth:")
        .and_then(|s| s.strip_suffix(';'))
        .unwrap();
    assert_eq!(token.len(), 6);
    assert!(token.bytes().all(|b| b.is_ascii_alphanumeric()), "{hello}");
    assert_eq!(decrypt(KEY, &ops[2]), b"Auth:21e0;");
}

#[tokio::test]
async fn both_motors_in_every_packet() {
    let t = toy("be gentle").await;
    let zeros = w(
        Tx,
        &[
            0xDF, 0xF0, 0x2F, 0x0D, 0xF4, 0x5B, 0x1F, 0x07, 0x21, 0x62, 0x3F, 0x8C, 0xF1, 0xB9,
            0x61, 0x38,
        ],
    );
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        vec![
            zeros.clone(),
            w(
                Tx,
                &[
                    0x9C, 0x4D, 0x96, 0x64, 0xDB, 0x64, 0xEE, 0x0B, 0xB9, 0xC2, 0x3A, 0x3E, 0x32,
                    0xA5, 0xA6, 0xEC
                ]
            ),
            w(
                Tx,
                &[
                    0xEB, 0xCC, 0x1A, 0xDD, 0xB0, 0x13, 0x23, 0x40, 0xD5, 0x1B, 0x7E, 0x97, 0xB6,
                    0x1C, 0xA3, 0x20
                ]
            ),
            w(
                Tx,
                &[
                    0x62, 0x00, 0x80, 0xF5, 0x2D, 0x29, 0x96, 0x81, 0xAC, 0xDB, 0x90, 0x51, 0x79,
                    0x00, 0x56, 0xD7
                ]
            ),
            zeros.clone(),
        ]
    );
    t.steps(0, Vibrate, 20).await;
    t.steps(1, Vibrate, 80).await;
    t.steps(0, Vibrate, 50).await;
    t.steps(1, Vibrate, 99).await;
    let ops = t.take();
    assert_eq!(
        ops[1],
        w(
            Tx,
            &[
                0x48, 0x9B, 0xFF, 0xDE, 0x00, 0xF2, 0x62, 0x72, 0x1E, 0xBB, 0x15, 0x20, 0xD5, 0x86,
                0x6C, 0x77
            ]
        )
    );
    assert_eq!(
        ops[3],
        w(
            Tx,
            &[
                0xBE, 0xCE, 0x76, 0x4B, 0x96, 0x94, 0xC1, 0xB5, 0xB3, 0x14, 0xBD, 0xC1, 0xDA, 0x41,
                0x04, 0x3B
            ]
        )
    );
    t.stop().await;
    assert_eq!(t.take(), vec![zeros]);
}

#[tokio::test]
async fn janna_single_motor() {
    let t = toy("Janna").await;
    assert_eq!(t.outputs(), vec![vec![Vibrate]]);
    let plain: Vec<Vec<u8>> = play(&t, &[(0, Vibrate, 0.5)])
        .await
        .iter()
        .map(|op| decrypt(KEY, op))
        .collect();
    assert_eq!(
        plain,
        vec![b"MtInt:5000;".to_vec(), b"MtInt:0000;".to_vec()]
    );
}
