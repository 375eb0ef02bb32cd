//! Families whose toys need their level re-sent (a keepalive or a device-task tick), under
//! write faults: while the toy's writes fail, a stop is asked for (and fails too); once
//! the link heals, nothing re-sends the running level. The refresh belongs to the device
//! task, so a stop ends it whether or not the toy heard the stop.

use std::time::Duration;

use plugwire::OutputType::Vibrate;
use plugwire::hardware::simulated::WriteFault;

use crate::harness::*;

/// Names of toys of families that refresh a running level, with how long to wait for two
/// refreshes.
const REFRESHING: [(&str, u64); 8] = [
    ("MV Crescendo", 250), // mysteryvibe, every 93 ms
    ("6908 MV1", 250),     // mysteryvibe-v2, every 93 ms
    ("TAY001", 250),       // sexverse-v3, every 100 ms
    ("AMN NEO", 250),      // hgod, every 100 ms
    ("QUXIN", 700),        // xuanhuan, every 300 ms
    ("WB-TDD", 1100),      // muse, every 500 ms
    ("T528-LT", 1100),     // leten
    ("XHTKJ", 1100),       // mizzzee-v3
];

#[tokio::test]
async fn a_failed_stop_still_ends_the_refresh() {
    for (name, period_ms) in REFRESHING {
        let t = toy(name).await;
        t.set(0, Vibrate, 0.5).await;
        tokio::time::sleep(Duration::from_millis(period_ms)).await;
        let running = t.take();
        let level = running
            .last()
            .cloned()
            .unwrap_or_else(|| panic!("{name}: nothing written while running"));
        t.sim.set_write_fault(WriteFault::Fail);
        // The stop's write fails: the error reaches the client, the refresh must end anyway.
        let _ = t.device.stop().await;
        tokio::time::sleep(Duration::from_millis(period_ms)).await;
        t.sim.set_write_fault(WriteFault::None);
        t.take();
        tokio::time::sleep(Duration::from_millis(period_ms * 2)).await;
        let after = t.take();
        assert!(
            !after.contains(&level),
            "{name}: the running level {level:?} was sent again after the stop: {after:?}"
        );
    }
}
