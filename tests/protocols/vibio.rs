//! Vibio: VibCrafter's encrypted authentication with Vibio's key, token and challenge,
//! then encrypted `MtInt:AABB;` packets.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{Rx, Tx};

use crate::cipher::decrypt;
use crate::harness::*;
use crate::settings::{play, sweep};

const KEY: &[u8; 16] = b"jdk#vib%y5fir21a";

fn texts(ops: &[Op]) -> Vec<String> {
    ops.iter()
        .map(|op| {
            assert!(
                matches!(op, Op::Write(Tx, data, false) if data.len() == 16),
                "{op:?}"
            );
            String::from_utf8(decrypt(KEY, op)).unwrap()
        })
        .collect()
}

#[tokio::test]
async fn authentication_answers_the_challenge() {
    // The simulated toy sets the challenge `9f3C:q-7;`; SHA-256("q-7") starts 39 E9.
    let t = toy("Rivera_Vibio").await;
    assert_eq!(t.name(), "Vibio Rivera");
    let ops = t.take();
    assert_eq!(ops.len(), 3, "{ops:?}");
    assert_eq!(ops[0], Op::Subscribe(Rx));
    let texts = texts(&ops[1..]);
    let token = texts[0]
        .strip_prefix("Auth:")
        .and_then(|s| s.strip_suffix(';'))
        .unwrap();
    assert_eq!(token.len(), 8);
    assert!(token.bytes().all(|b| b.is_ascii_alphanumeric()), "{token}");
    assert_eq!(texts[1], "Auth:39e9;");
}

#[tokio::test]
async fn both_motors_in_every_packet() {
    let t = toy("Rivera_Vibio").await;
    assert_eq!(
        texts(&sweep(&t, 0, Vibrate).await),
        [
            "MtInt:0000;",
            "MtInt:0500;",
            "MtInt:5000;",
            "MtInt:9900;",
            "MtInt:0000;"
        ]
    );
    assert_eq!(
        texts(&play(&t, &[(0, Vibrate, 0.5), (1, Vibrate, 0.05)]).await),
        ["MtInt:5000;", "MtInt:5005;", "MtInt:0000;"]
    );
}

#[tokio::test]
async fn single_motor_models() {
    for (name, model) in [
        ("Clara_Vibio", "Vibio Clara"),
        ("Dodson_Vibio", "Vibio Dodson"),
    ] {
        let t = toy(name).await;
        assert_eq!(t.name(), model);
        assert_eq!(t.outputs(), vec![vec![Vibrate]]);
        t.take();
        t.set(0, Vibrate, 1.0).await;
        assert_eq!(texts(&t.take()), ["MtInt:9900;"]);
    }
    let t = toy("Frida_Vibio").await;
    assert_eq!(t.outputs(), vec![vec![Vibrate], vec![Vibrate]]);
}
