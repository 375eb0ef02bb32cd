//! The Rust client against an in-process server with simulated toys.

mod common;

use std::time::Duration;

use common::*;
use plugwire::spec::{ErrorCode, Request, Response};
use plugwire::{ButtplugClient, ClientError, ClientEvent, InputType, OutputType, OutputValue};

async fn connected(names: &[&str]) -> (Rig, ButtplugClient) {
    let rig = rig(names);
    let client = ButtplugClient::connect_in_process("client test", &rig.server)
        .await
        .unwrap();
    client.scan(WAIT, Some(names.len())).await.unwrap();
    (rig, client)
}

/// `scan` ends its scan itself: simulated toys never finish one (as in the reference), so
/// it returns at its timeout, or once `until` devices are known; either way scanning stops.
#[tokio::test]
async fn scan_returns_at_its_timeout_or_its_count_and_stops_scanning() {
    let rig = rig(&["LVS-Nora", "LVS-Max"]);
    let client = ButtplugClient::connect_in_process("t", &rig.server)
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let found = client.scan(WAIT, Some(2)).await.unwrap();
    assert_eq!(found.len(), 2);
    assert!(
        started.elapsed() < WAIT,
        "returned at the count, not the timeout"
    );
    assert!(!rig.server.device_manager().is_scanning());

    let started = std::time::Instant::now();
    let found = client.scan(Duration::from_millis(300), None).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(found.len(), 2);
    assert!(!rig.server.device_manager().is_scanning());
}

#[tokio::test]
async fn scan_finds_devices_with_their_features() {
    let rig = rig(&["LVS-Nora", "LVS-Max"]);
    let client = ButtplugClient::connect_in_process("t", &rig.server)
        .await
        .unwrap();
    assert_eq!(client.server_name(), "test server");
    let mut events = client.events();
    client.start_scanning().await.unwrap();
    let mut added = Vec::new();
    while added.len() < 2 {
        match tokio::time::timeout(WAIT, events.recv())
            .await
            .unwrap()
            .unwrap()
        {
            ClientEvent::DeviceAdded(d) => added.push(d.name().to_string()),
            other => panic!("unexpected {other:?}"),
        }
    }
    added.sort();
    assert_eq!(added, vec!["Lovense Max", "Lovense Nora"]);
    let max = client
        .devices()
        .into_iter()
        .find(|d| d.name() == "Lovense Max")
        .unwrap();
    let kinds: Vec<Vec<OutputType>> = max
        .features()
        .iter()
        .map(|f| f.outputs.keys().copied().collect())
        .collect();
    assert_eq!(
        kinds,
        vec![
            vec![OutputType::Vibrate],
            vec![OutputType::Constrict],
            vec![]
        ]
    );
    assert!(max.features()[2].inputs.contains_key(&InputType::Battery));
}

#[tokio::test]
async fn floats_become_steps_as_clients_expect() {
    let (rig, client) = connected(&["LVS-Nora", "LVS-Max"]).await;
    let nora = client.device(rig.index_of("LVS-Nora")).unwrap();
    nora.vibrate(0.05).await.unwrap();
    nora.vibrate(0.5).await.unwrap();
    nora.rotate(-0.3).await.unwrap();
    nora.rotate(1.0).await.unwrap();
    nora.output(0, OutputType::Vibrate, OutputValue::Steps(20))
        .await
        .unwrap();
    nora.vibrate(0.0000001).await.unwrap();
    assert_eq!(
        commands(&rig.device("LVS-Nora")),
        vec![
            "Vibrate:1;",
            "Vibrate:10;",
            "RotateChange;",
            "Rotate:6;",
            "RotateChange;",
            "Rotate:20;",
            "Vibrate:20;",
            "Vibrate:0;"
        ]
    );
    let max = client.device(rig.index_of("LVS-Max")).unwrap();
    max.constrict(0.5).await.unwrap();
    assert_eq!(commands(&rig.device("LVS-Max")), vec!["Air:Level:2;"]);
}

#[tokio::test]
async fn position_with_duration_reaches_the_stroker() {
    let (rig, client) = connected(&["LVS-Solace Pro"]).await;
    let d = client.devices().pop().unwrap();
    d.position_with_duration(0.2, 200).await.unwrap();
    assert_eq!(
        wait_commands(&rig.device("LVS-Solace Pro"), 2).await,
        vec!["FSetSite:10;", "FSetSite:20;"]
    );
}

#[tokio::test]
async fn battery_reads_through_the_protocol() {
    let rig = rig(&[]);
    rig.hw
        .add_device(plugwire::hardware::simulated::SimulatedDeviceSpec {
            name: "LVS-Hush".into(),
            battery_level: Some(42),
            ..Default::default()
        });
    let client = ButtplugClient::connect_in_process("t", &rig.server)
        .await
        .unwrap();
    client.scan(WAIT, Some(1)).await.unwrap();
    let hush = client.devices().pop().unwrap();
    assert_eq!(hush.name(), "Lovense Hush");
    assert!((hush.battery().await.unwrap() - 0.42).abs() < 1e-9);
    assert!(matches!(
        hush.rssi().await,
        Err(ClientError::InvalidArgument(_))
    ));
}

#[tokio::test]
async fn bad_values_are_refused_before_they_leave_the_client() {
    let (rig, client) = connected(&["LVS-Lush"]).await;
    let lush = client.devices().pop().unwrap();
    for v in [1.5, -0.1, f64::NAN] {
        assert!(
            matches!(lush.vibrate(v).await, Err(ClientError::InvalidArgument(_))),
            "{v}"
        );
    }
    assert!(matches!(
        lush.output(0, OutputType::Vibrate, OutputValue::Steps(21))
            .await,
        Err(ClientError::InvalidArgument(_))
    ));
    assert!(matches!(
        lush.rotate(0.5).await,
        Err(ClientError::InvalidArgument(_))
    ));
    assert!(matches!(
        lush.output(5, OutputType::Vibrate, OutputValue::Float(0.5))
            .await,
        Err(ClientError::InvalidArgument(_))
    ));
    // The server checks too, for clients that skip the local check.
    let err = client
        .request(Request::Output {
            device: lush.index(),
            feature: 0,
            command: plugwire::spec::OutputCommand {
                output: OutputType::Vibrate,
                value: 99,
                duration: None,
            },
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, ClientError::Server(ref e) if e.code == ErrorCode::Device),
        "{err:?}"
    );
    assert!(commands(&rig.device("LVS-Lush")).is_empty());
}

#[tokio::test]
async fn stop_device_and_stop_all() {
    let (rig, client) = connected(&["LVS-Lush", "LVS-Edge"]).await;
    let lush = client.device(rig.index_of("LVS-Lush")).unwrap();
    let edge = client.device(rig.index_of("LVS-Edge")).unwrap();
    lush.vibrate(0.5).await.unwrap();
    edge.vibrate(0.5).await.unwrap();
    lush.stop().await.unwrap();
    assert_eq!(
        commands(&rig.device("LVS-Lush")),
        vec!["Vibrate:10;", "Vibrate:0;"]
    );
    assert_eq!(
        commands(&rig.device("LVS-Edge")),
        vec!["Vibrate1:10;", "Vibrate2:10;"]
    );
    client.stop_all().await.unwrap();
    assert_eq!(
        commands(&rig.device("LVS-Edge"))[2..],
        ["Vibrate1:0;", "Vibrate2:0;"]
    );
    assert_eq!(
        commands(&rig.device("LVS-Lush")).len(),
        2,
        "already stopped: nothing more"
    );
}

#[tokio::test]
async fn disconnect_and_drop_stop_devices() {
    let (rig, client) = connected(&["LVS-Lush"]).await;
    client.devices()[0].vibrate(1.0).await.unwrap();
    let mut events = client.events();
    client.disconnect().await.unwrap();
    assert_eq!(
        commands(&rig.device("LVS-Lush")),
        vec!["Vibrate:20;", "Vibrate:0;"]
    );
    assert!(matches!(
        events.recv().await.unwrap(),
        ClientEvent::ServerDisconnected
    ));
    assert!(matches!(
        client.start_scanning().await,
        Err(ClientError::NotConnected)
    ));

    // A new client, dropped without disconnecting, also leaves nothing running.
    let second = ButtplugClient::connect_in_process("again", &rig.server)
        .await
        .unwrap();
    second.devices()[0].vibrate(0.5).await.unwrap();
    drop(second);
    assert_eq!(
        wait_commands(&rig.device("LVS-Lush"), 4).await[2..],
        ["Vibrate:10;", "Vibrate:0;"]
    );
}

#[tokio::test]
async fn the_client_pings_for_you() {
    let rig = rig_with(&["LVS-Lush"], |b| {
        b.default_message_gap_ms(0).max_ping_time_ms(80)
    });
    let client = ButtplugClient::connect_in_process("t", &rig.server)
        .await
        .unwrap();
    let mut events = client.events();
    tokio::time::sleep(Duration::from_millis(400)).await;
    while let Ok(e) = events.try_recv() {
        assert!(
            !matches!(
                e,
                ClientEvent::PingTimeout | ClientEvent::ServerDisconnected
            ),
            "{e:?}"
        );
    }
    assert!(matches!(
        client.request(Request::Ping).await,
        Ok(Response::Ok)
    ));
}

#[tokio::test]
async fn devices_leaving_and_coming_back_are_events() {
    let (rig, client) = connected(&["LVS-Lush"]).await;
    let mut events = client.events();
    let sim = rig.device("LVS-Lush");
    let index = client.devices()[0].index();
    sim.drop_device();
    match tokio::time::timeout(WAIT, events.recv())
        .await
        .unwrap()
        .unwrap()
    {
        ClientEvent::DeviceRemoved { index: i, name } => {
            assert_eq!(i, index);
            assert_eq!(name, "Lovense Lush");
        }
        other => panic!("{other:?}"),
    }
    assert!(client.devices().is_empty());
    rig.hw.restore(sim.address());
    match tokio::time::timeout(WAIT, events.recv())
        .await
        .unwrap()
        .unwrap()
    {
        ClientEvent::DeviceAdded(d) => assert_eq!(d.index(), index),
        other => panic!("{other:?}"),
    }
    client.devices()[0].vibrate(0.1).await.unwrap();
}

/// The ping policy (#24): off, the server's watchdog ends the session at its deadline;
/// a set interval keeps it alive.
#[tokio::test]
async fn the_client_ping_can_be_turned_off_or_tuned() {
    use plugwire::client::{ClientOptions, InProcessConnector, PingPolicy};
    let rig = rig_with(&["LVS-Lush"], |b| {
        b.default_message_gap_ms(0).max_ping_time_ms(150)
    });
    let connect = |ping| {
        let server = rig.server.clone();
        async move {
            let connector = InProcessConnector::new(&server).unwrap();
            ButtplugClient::connect_with(
                "t",
                std::sync::Arc::new(connector),
                ClientOptions { ping },
            )
            .await
            .unwrap()
        }
    };
    let silent = connect(PingPolicy::Off).await;
    let mut events = silent.events();
    let ended = tokio::time::timeout(WAIT, async {
        loop {
            match events.recv().await {
                Ok(ClientEvent::PingTimeout | ClientEvent::ServerDisconnected) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "without pings the server ended the session");
    drop(silent);
    let tuned = connect(PingPolicy::Every(Duration::from_millis(40))).await;
    let mut events = tuned.events();
    tokio::time::sleep(Duration::from_millis(600)).await;
    while let Ok(e) = events.try_recv() {
        assert!(
            !matches!(
                e,
                ClientEvent::PingTimeout | ClientEvent::ServerDisconnected
            ),
            "{e:?}"
        );
    }
    assert!(tuned.is_connected());
}

/// Counts the `RequestDeviceList` messages a client sends.
struct Counting {
    inner: plugwire::client::InProcessConnector,
    lists: std::sync::atomic::AtomicUsize,
}

#[async_trait::async_trait]
impl plugwire::client::Connector for Counting {
    fn submit(&self, request: Request) -> plugwire::server::ResponseFuture {
        if matches!(request, Request::RequestDeviceList) {
            self.lists.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        self.inner.submit(request)
    }
    fn take_events(&self) -> Option<tokio::sync::mpsc::Receiver<plugwire::client::ConnectorEvent>> {
        self.inner.take_events()
    }
    fn submit_disconnect(&self) -> plugwire::client::Closing {
        self.inner.submit_disconnect()
    }
}

/// `refresh_devices` asks the server (#24): each call is a `RequestDeviceList` on the
/// wire, and the client's list follows the answer.
#[tokio::test]
async fn refresh_devices_asks_the_server() {
    let rig = rig(&["LVS-Lush"]);
    let counting = std::sync::Arc::new(Counting {
        inner: plugwire::client::InProcessConnector::new(&rig.server).unwrap(),
        lists: Default::default(),
    });
    let client = ButtplugClient::connect("t", counting.clone())
        .await
        .unwrap();
    client.scan(WAIT, Some(1)).await.unwrap();
    let sent = || counting.lists.load(std::sync::atomic::Ordering::SeqCst);
    let before = sent();
    let listed = client.refresh_devices().await.unwrap();
    assert_eq!(sent(), before + 1, "one RequestDeviceList on the wire");
    assert_eq!(listed.len(), 1);
    rig.device("LVS-Lush").drop_device();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(client.refresh_devices().await.unwrap().is_empty());
    assert_eq!(sent(), before + 2);
    assert!(client.devices().is_empty());
}
