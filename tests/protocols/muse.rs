//! Muse (Mu Se app): `[speed, 0x01]`, `[0x00, 0x00]` to stop, repeated every 500 ms because
//! a speed holds for about a second.

use std::time::Duration;

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::settings::without_repeats;

#[tokio::test]
async fn speeds_then_stop() {
    for (name, model) in [
        ("WB-ZDB-WST", "Dream Lover Archer 2"),
        ("WB-TDD", "Galaku Panty Vib"),
    ] {
        let t = toy(name).await;
        assert_eq!(t.name(), model);
        // The keepalive's first packet (a stop) goes out at connect.
        assert_eq!(t.take(), vec![w(Tx, &[0x00, 0x00])]);
        for v in [0.0, 0.05, 0.5, 1.0] {
            t.set(0, Vibrate, v).await;
        }
        t.stop().await;
        assert_eq!(
            without_repeats(t.take(), &[w(Tx, &[0x00, 0x00])]),
            vec![
                w(Tx, &[0x01, 0x01]),
                w(Tx, &[0x05, 0x01]),
                w(Tx, &[0x09, 0x01]),
                w(Tx, &[0x00, 0x00]),
            ]
        );
    }
}

#[tokio::test]
async fn a_speed_is_renewed_before_it_runs_out() {
    let t = toy("WB-TDD").await;
    t.take();
    t.set(0, Vibrate, 0.5).await;
    let ops = t.wait_ops(2).await;
    assert_eq!(ops[..2], [w(Tx, &[0x05, 0x01]), w(Tx, &[0x05, 0x01])]);
    let at: Vec<_> = t.sim.writes().iter().map(|r| r.at).collect();
    assert!(at[1] - at[0] >= Duration::from_millis(450), "{at:?}");
    assert!(at[1] - at[0] < Duration::from_millis(1000), "{at:?}");
    t.stop().await;
}
