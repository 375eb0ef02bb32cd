//! Motorbunny: a value pair seven times with a byte sum, or a short stop packet, for the
//! vibrator and the rotator.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::play;
use crate::sweep::*;

const VIBRATE_OFF: [u8; 6] = [0xF0, 0x00, 0x00, 0x00, 0x00, 0xEC];
const ROTATE_OFF: [u8; 6] = [0xA0, 0x00, 0x00, 0x00, 0x00, 0xEC];

fn pairs(head: u8, a: u8, b: u8, sum: u8) -> Op {
    let mut p = vec![head];
    for _ in 0..7 {
        p.extend([a, b]);
    }
    p.extend([sum, 0xEC]);
    w(Tx, &p)
}

#[tokio::test]
async fn vibration() {
    let t = connect("MB Controller", "Motorbunny Classic", &[]).await;
    assert_eq!(t.outputs(), vec![vec![Vibrate], vec![Rotate]]);
    assert_eq!(
        sweep(&t, 0, Vibrate).await,
        vec![
            w(Tx, &VIBRATE_OFF),
            pairs(0xFF, 0x0D, 0x14, 0xE7),
            pairs(0xFF, 0x80, 0x14, 0x0C),
            pairs(0xFF, 0xFF, 0x14, 0x85),
            w(Tx, &VIBRATE_OFF),
            // The rotator was never set: the stop writes its zero too.
            w(Tx, &ROTATE_OFF),
        ]
    );
}

#[tokio::test]
async fn rotation_both_ways() {
    let t = connect("MB LINK 201", "Motorbunny Buck", &[]).await;
    assert_eq!(
        play(
            &t,
            &[
                (1, Rotate, 0.0),
                (1, Rotate, 0.05),
                (1, Rotate, 0.5),
                (1, Rotate, 1.0),
                (1, Rotate, -0.5),
            ]
        )
        .await,
        vec![
            w(Tx, &ROTATE_OFF),
            pairs(0xAF, 0x2A, 0x0D, 0x81),
            pairs(0xAF, 0x2A, 0x80, 0xA6),
            pairs(0xAF, 0x2A, 0xFF, 0x1F),
            pairs(0xAF, 0x29, 0x80, 0x9F),
            w(Tx, &VIBRATE_OFF),
            w(Tx, &ROTATE_OFF),
        ]
    );
}
