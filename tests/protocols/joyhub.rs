//! JoyHub: the four-channel motor packet, air pumps, temperature, light, spray, stop.

use plugwire::OutputType::*;
use plugwire::hardware::Endpoint::Tx;

use crate::harness::*;
use crate::test_kit::*;

fn motors(m: [u8; 4]) -> Op {
    w(Tx, &[0xA0, 0x03, m[0], m[1], m[2], m[3], 0xAA])
}

#[tokio::test]
async fn single_vibrator_values_and_no_handshake() {
    let t = toy("J-Velocity").await;
    assert_eq!(t.name(), "JoyHub Velocity");
    assert_eq!(t.take(), vec![]);
    assert_eq!(
        sweep_then_stop(&t, 0, Vibrate).await,
        vec![
            motors([0x00, 0, 0, 0]),
            motors([0x0D, 0, 0, 0]),
            motors([0x80, 0, 0, 0]),
            motors([0xFF, 0, 0, 0]),
            motors([0x00, 0, 0, 0]),
        ]
    );
}

#[tokio::test]
async fn every_packet_carries_all_motor_channels() {
    let t = toy("J-Fabledragon").await;
    t.take();
    t.steps(0, Oscillate, 100).await;
    t.steps(1, Vibrate, 200).await;
    t.stop().await;
    assert_eq!(
        t.take(),
        vec![
            motors([0x64, 0, 0, 0]),
            motors([0x64, 0xC8, 0, 0]),
            motors([0, 0, 0, 0])
        ]
    );
}

#[tokio::test]
async fn channel_follows_the_feature_index() {
    let t = toy("J-Ringstar").await;
    t.take();
    t.set(3, Oscillate, 0.5).await;
    assert_eq!(t.take(), vec![motors([0, 0, 0, 0x80])]);
    // Rotation on channel 1, next to a vibrator on channel 0.
    let t = toy("J-Panther").await;
    t.take();
    t.set(1, Rotate, 0.05).await;
    t.set(0, Vibrate, 1.0).await;
    assert_eq!(
        t.take(),
        vec![motors([0, 0x0D, 0, 0]), motors([0xFF, 0x0D, 0, 0])]
    );
}

#[tokio::test]
async fn air_pump_on_feature_four() {
    let t = toy("J-VortexTongue").await;
    t.take();
    for v in [0.05, 0.5, 1.0, 0.0] {
        t.set(4, Constrict, v).await;
    }
    assert_eq!(
        t.take(),
        vec![
            w(Tx, &[0xA0, 0x07, 0x01, 0x00, 0x01, 0xFF]),
            w(Tx, &[0xA0, 0x07, 0x01, 0x00, 0x02, 0xFF]),
            w(Tx, &[0xA0, 0x07, 0x01, 0x00, 0x03, 0xFF]),
            w(Tx, &[0xA0, 0x07, 0x00, 0x00, 0x00, 0xFF]),
        ]
    );
}

#[tokio::test]
async fn air_pump_on_feature_five_and_temperature() {
    let t = toy("J-MoonHorn").await;
    t.take();
    t.set(5, Constrict, 1.0).await;
    t.set(5, Constrict, 0.5).await;
    t.set(6, Temperature, 1.0).await;
    t.set(0, Vibrate, 0.5).await;
    t.stop().await;
    assert_eq!(
        t.take(),
        vec![
            w(Tx, &[0xA0, 0x0D, 0x00, 0x00, 0x09, 0xFF]),
            w(Tx, &[0xA0, 0x0D, 0x00, 0x00, 0x05, 0xFF]),
            w(Tx, &[0xA0, 0x04, 0x01, 0x00, 0x01, 0xFF]),
            motors([0x80, 0, 0, 0]),
            // Stop, in feature order.
            motors([0, 0, 0, 0]),
            w(Tx, &[0xA0, 0x0D, 0x00, 0x00, 0x00, 0xFF]),
            w(Tx, &[0xA0, 0x04, 0x00, 0x00, 0x00, 0x00]),
        ]
    );
}

#[tokio::test]
async fn light_switches() {
    let t = toy("J-Rainbow").await;
    t.take();
    t.set(6, Led, 1.0).await;
    t.set(6, Led, 0.0).await;
    assert_eq!(
        t.take(),
        vec![
            w(Tx, &[0xA0, 0x14, 0x01, 0x00, 0x01, 0xFF]),
            w(Tx, &[0xA0, 0x14, 0x00, 0x00, 0x00, 0x00])
        ]
    );
}

#[tokio::test]
async fn spray_switches_itself_off_after_a_second() {
    let t = toy("J-Dodge").await;
    t.take();
    t.set(7, Spray, 1.0).await;
    let ops = t.wait_ops(2).await;
    assert_eq!(
        ops,
        vec![
            w(Tx, &[0xA0, 0x24, 0x01, 0x00, 0x01, 0xFF]),
            w(Tx, &[0xA0, 0x24, 0x00, 0x00, 0x00, 0x00])
        ]
    );
    let at: Vec<_> = t.sim.writes().iter().map(|r| r.at).collect();
    assert!(
        at[1] - at[0] >= std::time::Duration::from_millis(900),
        "{at:?}"
    );
}

#[tokio::test]
async fn stop_zeroes_motors_then_spray() {
    let t = toy("J-Dodge").await;
    t.take();
    t.set(1, Vibrate, 0.5).await;
    t.stop().await;
    let ops = t.wait_ops(3).await;
    let off = w(Tx, &[0xA0, 0x24, 0x00, 0x00, 0x00, 0x00]);
    assert_eq!(
        ops,
        vec![motors([0, 0x80, 0, 0]), motors([0, 0, 0, 0]), off]
    );
    t.take();
    // Switching the spray off schedules nothing: after a stop the toy hears nothing more.
    tokio::time::sleep(std::time::Duration::from_millis(1300)).await;
    assert_eq!(t.take(), vec![]);
}

/// The spray switches itself off after a second: the device task learns it from the
/// protocol, so a second spray is written (not dropped as a duplicate of "on") and the
/// toy does not count as running afterwards.
#[tokio::test]
async fn a_spray_that_switched_itself_off_can_spray_again() {
    let t = toy("J-Dodge").await;
    t.take();
    let spray_on = w(Tx, &[0xA0, 0x24, 0x01, 0x00, 0x01, 0xFF]);
    let spray_off = w(Tx, &[0xA0, 0x24, 0x00, 0x00, 0x00, 0x00]);
    t.steps(7, Spray, 1).await;
    assert!(t.server.device_manager().any_device_running());
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    assert_eq!(t.take(), vec![spray_on.clone(), spray_off.clone()]);
    assert!(
        !t.server.device_manager().any_device_running(),
        "the pump is off"
    );
    t.steps(7, Spray, 1).await;
    assert_eq!(t.take(), vec![spray_on], "the second spray is written");
}
