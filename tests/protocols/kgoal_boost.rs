//! KGoal Boost: two pressure readings in every `rxpressure` notification, the battery on the
//! standard characteristic; both reach the client through subscribe and read.

use plugwire::InputType::{Battery, Pressure};
use plugwire::hardware::Endpoint::{RxBleBattery, RxPressure};

use crate::harness::*;
use crate::sweep::*;
use crate::test_kit::*;

/// Normalized 0x0102 = 258, raw 0x05D3 = 1491.
const READING: [u8; 7] = [0x00, 0x01, 0x04, 0x01, 0x02, 0x05, 0xD3];
/// Normalized 0x000C = 12, raw 0x0600 = 1536.
const SECOND: [u8; 7] = [0x00, 0x01, 0x04, 0x00, 0x0C, 0x06, 0x00];

#[tokio::test]
async fn pressure_subscriptions_share_the_characteristic() {
    let t = connect("Boost", "KGoal Boost", &[]).await;
    assert_eq!(t.outputs(), vec![vec![], vec![], vec![]]);
    let mut events = t.client.events();
    t.device.subscribe(0, Pressure).await.unwrap();
    assert_eq!(t.take(), vec![Op::Subscribe(RxPressure)]);
    assert!(t.sim.notify(RxPressure, READING.to_vec()));
    assert_eq!(next_reading(&mut events).await, (0, Pressure, 258));
    // The second feature rides on the same subscription.
    t.device.subscribe(1, Pressure).await.unwrap();
    assert_eq!(t.take(), vec![]);
    assert!(t.sim.notify(RxPressure, SECOND.to_vec()));
    let mut readings = vec![
        next_reading(&mut events).await,
        next_reading(&mut events).await,
    ];
    readings.sort();
    assert_eq!(readings, vec![(0, Pressure, 12), (1, Pressure, 1536)]);
    // Too short: ignored.
    assert!(t.sim.notify(RxPressure, vec![0x00, 0x01, 0x04, 0x00]));
    t.device.unsubscribe(0, Pressure).await.unwrap();
    assert_eq!(t.take(), vec![]);
    assert!(t.sim.notify(RxPressure, READING.to_vec()));
    assert_eq!(next_reading(&mut events).await, (1, Pressure, 1491));
    t.device.unsubscribe(1, Pressure).await.unwrap();
    assert_eq!(t.take(), vec![Op::Unsubscribe(RxPressure)]);
}

#[tokio::test]
async fn pressure_read_waits_for_the_next_notification() {
    let t = connect("Boost", "KGoal Boost", &[]).await;
    let (value, _) = tokio::join!(t.device.read_input(1, Pressure), async {
        t.wait_ops(1).await;
        assert!(t.sim.notify(RxPressure, READING.to_vec()));
    });
    assert_eq!(value.unwrap(), 1491);
    assert_eq!(
        t.take(),
        vec![Op::Subscribe(RxPressure), Op::Unsubscribe(RxPressure)]
    );
    // While subscribed, a read takes the next notification and leaves the subscription.
    t.device.subscribe(0, Pressure).await.unwrap();
    t.take();
    let (value, _) = tokio::join!(t.device.read_input(0, Pressure), async {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(t.sim.notify(RxPressure, SECOND.to_vec()));
    });
    assert_eq!(value.unwrap(), 12);
    assert_eq!(t.take(), vec![]);
}

#[tokio::test]
async fn battery_read_and_subscribe() {
    let t = toy_battery("Boost", 64).await;
    t.take();
    assert!((t.battery().await - 0.64).abs() < 1e-9);
    assert_eq!(t.take(), vec![Op::Read(RxBleBattery)]);
    let mut events = t.client.events();
    t.device.subscribe(2, Battery).await.unwrap();
    assert_eq!(t.take(), vec![Op::Subscribe(RxBleBattery)]);
    assert!(t.sim.notify(RxBleBattery, vec![55]));
    assert_eq!(next_reading(&mut events).await, (2, Battery, 55));
    t.device.unsubscribe(2, Battery).await.unwrap();
    assert_eq!(t.take(), vec![Op::Unsubscribe(RxBleBattery)]);
}
