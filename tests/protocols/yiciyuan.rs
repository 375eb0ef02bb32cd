//! Yiciyuan: three axes in one 16-byte packet, scaled to 0..20; battery pushed as
//! `[0x35, 0x13, 0x01, percent]` once subscribed.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::{RxBleBattery, Tx};

use crate::harness::*;
use crate::settings::{play, sweep};
use crate::sweep::connect;
use crate::test_kit::toy_battery;

fn packet(stroke: u8, vibe: u8, axis_c: u8) -> Op {
    let mut p = vec![0x35, 0x12, stroke, vibe, axis_c];
    p.resize(16, 0x00);
    w(Tx, &p)
}

#[tokio::test]
async fn all_axes_in_one_packet() {
    let t = connect("YCY-FJB-01", "Yiciyuan FJB-01", &[]).await;
    assert_eq!(
        sweep(&t, 0, Oscillate).await,
        [0, 1, 10, 20, 0].map(|s| packet(s, 0, 0))
    );
    assert_eq!(
        play(
            &t,
            &[(0, Oscillate, 0.3), (1, Vibrate, 0.7), (2, Vibrate, 1.0)]
        )
        .await,
        vec![
            packet(6, 0, 0),
            packet(6, 14, 0),
            packet(6, 14, 20),
            packet(0, 0, 0)
        ]
    );
    let t = connect("YCY-FJB-02", "Yiciyuan FJB-02", &[]).await;
    assert_eq!(
        t.outputs(),
        vec![vec![Oscillate], vec![Vibrate], vec![Vibrate], vec![]]
    );
}

#[tokio::test]
async fn battery_is_the_first_battery_frame() {
    let t = toy_battery("YCY-FJB-02", 75).await;
    t.take();
    assert!((t.battery().await - 0.75).abs() < 1e-9);
    assert_eq!(t.take(), vec![Op::Subscribe(RxBleBattery)]);
}
