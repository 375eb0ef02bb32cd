//! A device's life at the server: links that drop and come back (flapping BLE toys), a
//! device that drops while it is being connected, and what a toy is told when it returns.
//! Each test reproduces a failure measured on an earlier design.

mod common;

use std::time::Duration;

use common::*;
use plugwire::hardware::simulated::{SimulatedDevice, WriteFault};
use plugwire::{ButtplugClient, ClientEvent};

/// Waits until the server lists the simulated toy and a client command reaches it: it came
/// back and works. Each attempt sends a level other than the one before (`last`), so none
/// is a duplicate of what the toy already has (a duplicate writes nothing).
async fn usable_again(rig: &Rig, client: &ButtplugClient, sim: &SimulatedDevice, last: &mut u32) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let step = if *last == 10 { 5 } else { 10 };
        *last = step;
        let listed = rig
            .server
            .device_manager()
            .devices()
            .iter()
            .find(|d| d.address() == sim.address())
            .map(|d| d.index());
        if let Some(device) = listed.and_then(|i| client.device(i)) {
            sim.clear_log();
            if device.vibrate(f64::from(step) / 20.0).await.is_ok() && !writes(sim).is_empty() {
                return;
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the toy did not come back usable: listed {listed:?}, connected {}, client sees {:?}",
            sim.is_connected(),
            client
                .devices()
                .iter()
                .map(|d| d.index())
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// A toy that flickers out of range and back three times in quick succession comes back,
/// listed once and usable, every round; and stays listed (no late removal from an earlier
/// connection takes the new one away).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flapping_toy_comes_back_every_time() {
    let rig = rig(&["LVS-Lush"]);
    let (client, _) = client_with(&rig, "LVS-Lush").await;
    let sim = rig.device("LVS-Lush");
    let mut last = 0;
    for round in 0..40 {
        for _ in 0..3 {
            sim.drop_device();
            tokio::task::yield_now().await;
            rig.hw.restore(sim.address());
            tokio::task::yield_now().await;
        }
        usable_again(&rig, &client, &sim, &mut last).await;
        // Whatever the old connections still had to say has been said by now.
        tokio::time::sleep(Duration::from_millis(20)).await;
        let listed: Vec<_> = rig
            .server
            .device_manager()
            .devices()
            .iter()
            .map(|d| d.index())
            .collect();
        assert_eq!(listed.len(), 1, "round {round}: listed {listed:?}");
        usable_again(&rig, &client, &sim, &mut last).await;
    }
}

/// The smallest case: one drop and one restore, on a fresh client each time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_single_drop_and_restore_always_comes_back() {
    for _ in 0..30 {
        let rig = rig(&["LVS-Lush"]);
        let (client, _) = client_with(&rig, "LVS-Lush").await;
        let sim = rig.device("LVS-Lush");
        let mut last = 0;
        sim.drop_device();
        rig.hw.restore(sim.address());
        usable_again(&rig, &client, &sim, &mut last).await;
        client.disconnect().await.unwrap();
    }
}

/// A toy that drops while it is being connected is never listed (listed, it would be dead:
/// nothing would remove it and later restores would be ignored), and comes back when it is
/// restored. A Muse (no setup conversation) gets its first keepalive packet while it is
/// connected; with every write taking 20 ms the toy drops during that write.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_toy_dropped_while_connecting_is_never_listed() {
    let rig = rig(&["WB-TDD"]);
    let (client, _) = client_with(&rig, "WB-TDD").await;
    let mut events = client.events();
    let sim = rig.device("WB-TDD");
    sim.set_write_fault(WriteFault::Delay(Duration::from_millis(20)));
    let mut last = 0;
    for round in 0..20u64 {
        sim.drop_device();
        tokio::time::sleep(Duration::from_millis(30)).await;
        rig.hw.restore(sim.address());
        // The restore's connection is under way when the toy goes again.
        tokio::time::sleep(Duration::from_millis(5 + round % 10)).await;
        sim.drop_device();
        // Settle: whatever was connecting has failed or been removed.
        tokio::time::sleep(Duration::from_millis(100)).await;
        let listed = rig.server.device_manager().devices();
        assert!(
            listed.is_empty(),
            "round {round}: a dropped toy is listed: {:?}",
            listed.iter().map(|d| d.index()).collect::<Vec<_>>()
        );
        rig.hw.restore(sim.address());
        usable_again(&rig, &client, &sim, &mut last).await;
    }
    // Listed at the start and at the end: every DeviceAdded the client saw was matched by a
    // DeviceRemoved, so nothing dead was ever announced and left behind.
    let mut listed = 0i32;
    loop {
        match events.try_recv() {
            Ok(ClientEvent::DeviceAdded(_)) => listed += 1,
            Ok(ClientEvent::DeviceRemoved { .. }) => listed -= 1,
            Ok(_) => {}
            Err(tokio::sync::broadcast::error::TryRecvError::Empty) => break,
            Err(e) => panic!("client events: {e:?}"),
        }
    }
    assert_eq!(listed, 0);
    assert_eq!(client.devices().len(), 1);
}

/// Waits until the server lists the simulated toy.
async fn listed(rig: &Rig, sim: &SimulatedDevice) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !rig
        .server
        .device_manager()
        .devices()
        .iter()
        .any(|d| d.address() == sim.address())
    {
        assert!(tokio::time::Instant::now() < deadline, "never listed");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// A toy that comes back may still run on what it was told before its link dropped: it is
/// stopped as soon as it is connected again, before any client command.
#[tokio::test]
async fn a_toy_that_comes_back_is_stopped() {
    let rig = rig(&["LVS-Lush"]);
    let (_client, device) = client_with(&rig, "LVS-Lush").await;
    let sim = rig.device("LVS-Lush");
    device.vibrate(0.5).await.unwrap();
    assert_eq!(commands(&sim), vec!["Vibrate:10;"]);
    sim.drop_device();
    sim.clear_log();
    rig.hw.restore(sim.address());
    listed(&rig, &sim).await;
    assert_eq!(wait_commands(&sim, 1).await, vec!["Vibrate:0;"]);
}

/// A session that ended while its toy was away (nothing could stop it then) leaves it
/// stopped when it returns, with no client connected.
#[tokio::test]
async fn a_session_that_ended_while_the_toy_was_away_stops_it_on_return() {
    let rig = rig(&["LVS-Lush"]);
    let (client, device) = client_with(&rig, "LVS-Lush").await;
    let sim = rig.device("LVS-Lush");
    device.vibrate(0.5).await.unwrap();
    sim.drop_device();
    client.disconnect().await.unwrap();
    sim.clear_log();
    rig.hw.restore(sim.address());
    listed(&rig, &sim).await;
    assert_eq!(wait_commands(&sim, 1).await, vec!["Vibrate:0;"]);
}

/// A setup write that never completes (MyMuse Link Plus buzzes the toy while connecting)
/// is bounded by the hardware timeout: the connection fails and its link is closed, long
/// before the 30 s connect bound.
#[tokio::test]
async fn a_setup_write_that_hangs_times_out_and_closes_the_link() {
    let rig = rig_with(&["MM Massager"], |b| {
        b.default_message_gap_ms(0)
            .hardware_timeout(Duration::from_millis(200))
    });
    let sim = rig.device("MM Massager");
    sim.set_write_fault(WriteFault::Hang);
    rig.server.device_manager().start_scanning().await.unwrap();
    let deadline = tokio::time::Instant::now() + WAIT;
    while !sim.is_connected() {
        assert!(tokio::time::Instant::now() < deadline, "never connected");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    while sim.is_connected() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the link of a connection whose setup write hangs is still open"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(rig.server.device_manager().devices().is_empty());
}

/// A connection given up by the 30 s connect bound (here with a hardware timeout longer
/// than that) closes its link instead of leaving it open.
#[tokio::test(start_paused = true)]
async fn a_connection_cancelled_by_its_timeout_closes_the_link() {
    let rig = rig_with(&["MM Massager"], |b| {
        b.default_message_gap_ms(0)
            .hardware_timeout(Duration::from_secs(120))
    });
    let sim = rig.device("MM Massager");
    sim.set_write_fault(WriteFault::Hang);
    rig.server.device_manager().start_scanning().await.unwrap();
    tokio::time::sleep(Duration::from_secs(29)).await;
    assert!(sim.is_connected(), "still connecting");
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        !sim.is_connected(),
        "the cancelled connection left its link open"
    );
    assert!(rig.server.device_manager().devices().is_empty());
}
