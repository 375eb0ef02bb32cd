//! The Bluetooth LE manager through the real btleplug / BlueZ D-Bus path, against a BlueZ
//! stand-in: a private dbus-daemon running python3-dbusmock's bluez5 template, with mock
//! peripherals that expose GATT services and answer like the toys they pretend to be
//! (tests/bluez/bluez_stand_in.py). Needs /usr/bin/python3 with python3-dbusmock, and
//! dbus-daemon (Debian packages python3-dbusmock and dbus).

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use plugwire::hardware::simulated::{SimulatedDeviceSpec, SimulatedHardware};
use plugwire::{ButtplugClient, ButtplugServer, ClientDevice, ClientEvent};
use serde_json::{Value, json};
use tokio::sync::broadcast;

const WAIT: Duration = Duration::from_secs(15);

const LOVENSE_SERVICE: &str = "5a300001-0024-4bd4-bbd5-a6920e4c5653";
const LOVENSE_TX: &str = "5a300002-0024-4bd4-bbd5-a6920e4c5653";
const LOVENSE_RX: &str = "5a300003-0024-4bd4-bbd5-a6920e4c5653";
const BATTERY_SERVICE: &str = "0000180f-0000-1000-8000-00805f9b34fb";
const BATTERY_LEVEL: &str = "00002a19-0000-1000-8000-00805f9b34fb";
const MAGIC_MOTION_SERVICE: &str = "78667579-7b48-43db-b8c5-7928a6b0a335";
const MAGIC_MOTION_TX: &str = "78667579-a914-49a4-8333-aa3c0cd8fedc";

/// One stand-in for the whole test binary: libdbus reads the system bus address once per
/// process, so every test here talks to the same bus. Tests take turns and each starts
/// from a reset stand-in (no adapter, no devices).
static STAND_IN: Mutex<Option<StandIn>> = Mutex::new(None);

/// The BlueZ stand-in process (and its private bus). It stops when this test process
/// exits: its stdin reaches end of file.
struct StandIn {
    _child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

/// A test's turn with the stand-in.
struct Turn(MutexGuard<'static, Option<StandIn>>);

impl std::ops::Deref for Turn {
    type Target = StandIn;
    fn deref(&self) -> &StandIn {
        self.0.as_ref().unwrap()
    }
}

impl std::ops::DerefMut for Turn {
    fn deref_mut(&mut self) -> &mut StandIn {
        self.0.as_mut().unwrap()
    }
}

/// Waits for the stand-in, starting it on first use, and resets it.
fn bluez() -> Turn {
    let mut guard = STAND_IN.lock().unwrap_or_else(|e| e.into_inner());
    if guard.is_none() {
        *guard = Some(StandIn::start());
    }
    let mut turn = Turn(guard);
    turn.cmd(json!({"cmd": "reset"}));
    turn
}

fn bluez_with_adapter() -> Turn {
    let mut turn = bluez();
    turn.cmd(json!({"cmd": "adapter"}));
    turn
}

impl StandIn {
    /// Starts the stand-in and points this process's system bus at it.
    fn start() -> StandIn {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bluez/bluez_stand_in.py");
        let mut child = Command::new("/usr/bin/python3")
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("/usr/bin/python3 (apt install python3-dbusmock dbus)");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let ready: Value = serde_json::from_str(&line)
            .unwrap_or_else(|_| panic!("the BlueZ stand-in did not start: {line:?}"));
        assert_eq!(ready["ready"], true, "{ready}");
        let address = ready["address"].as_str().unwrap();
        // SAFETY: set once, while STAND_IN is locked and before any test of this binary
        // uses D-Bus; nothing else in this process touches the environment.
        unsafe { std::env::set_var("DBUS_SYSTEM_BUS_ADDRESS", address) };
        StandIn {
            _child: child,
            stdin,
            stdout,
        }
    }

    fn cmd(&mut self, command: Value) -> Value {
        writeln!(self.stdin, "{command}").unwrap();
        self.stdin.flush().unwrap();
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        let reply: Value = serde_json::from_str(&line)
            .unwrap_or_else(|_| panic!("stand-in answered {line:?} to {command}"));
        assert!(reply.get("error").is_none(), "{command}: {reply}");
        reply
    }

    /// Every write the peripheral at `address` received: (characteristic, bytes, type).
    fn writes(&mut self, address: &str) -> Vec<(String, Vec<u8>, String)> {
        let reply = self.cmd(json!({"cmd": "writes", "address": address}));
        reply["writes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| {
                (
                    w["char"].as_str().unwrap().to_string(),
                    hex(w["data"].as_str().unwrap()),
                    w["type"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    /// Waits until the peripheral got `data` on `char`, and returns the write type used.
    async fn wait_write(&mut self, address: &str, char: &str, data: &[u8]) -> String {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let writes = self.writes(address);
            if let Some((_, _, kind)) = writes.iter().find(|(c, d, _)| c == char && d == data) {
                return kind.clone();
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{address} never got {:?} on {char}; it got {writes:?}",
                String::from_utf8_lossy(data)
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn calls(&mut self, address: &str, method: &str) -> u64 {
        self.cmd(json!({"cmd": "calls", "address": address, "method": method}))["count"]
            .as_u64()
            .unwrap()
    }
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn to_hex(data: &[u8]) -> String {
    data.iter().map(|b| format!("{b:02x}")).collect()
}

/// A Lovense toy: the tx/rx pair of one Lovense service; it answers `DeviceType;` as a Nora
/// (type A) and `Battery;` with 85, by notification on rx.
fn lovense(address: &str, name: &str) -> Value {
    let mac: String = address.chars().filter(|c| *c != ':').collect();
    json!({
        "cmd": "add_device",
        "address": address,
        "name": name,
        "advertised": [LOVENSE_SERVICE],
        "services": {LOVENSE_SERVICE: {
            LOVENSE_TX: {"flags": ["write-without-response"]},
            LOVENSE_RX: {"flags": ["notify"]},
        }},
        "answers": {"DeviceType;": format!("A:11:{mac};"), "Battery;": "85;"},
        "answer_char": LOVENSE_RX,
    })
}

/// A MagicMotion wand: tx takes only writes with response; the battery is the standard
/// battery-level characteristic, read.
fn magic_wand(address: &str) -> Value {
    json!({
        "cmd": "add_device",
        "address": address,
        "name": "Magic Wand",
        "services": {
            BATTERY_SERVICE: {BATTERY_LEVEL: {"flags": ["read"], "value": to_hex(&[75])}},
            MAGIC_MOTION_SERVICE: {MAGIC_MOTION_TX: {"flags": ["write"]}},
        },
    })
}

fn server() -> std::sync::Arc<ButtplugServer> {
    ButtplugServer::builder()
        .bluetooth_le(true)
        .build()
        .unwrap()
}

/// A server with the Bluetooth LE manager and an in-process client that is scanning.
struct Scanning {
    _server: std::sync::Arc<ButtplugServer>,
    client: ButtplugClient,
    events: broadcast::Receiver<ClientEvent>,
}

impl Scanning {
    async fn start() -> Scanning {
        let server = server();
        let client = ButtplugClient::connect_in_process("ble test", &server)
            .await
            .unwrap();
        let events = client.events();
        client.start_scanning().await.unwrap();
        Scanning {
            _server: server,
            client,
            events,
        }
    }
}

/// The next client event `pick` accepts, skipping others.
async fn next_event<T>(
    events: &mut broadcast::Receiver<ClientEvent>,
    what: &str,
    pick: impl Fn(ClientEvent) -> Option<T>,
) -> T {
    loop {
        let event = tokio::time::timeout(WAIT, events.recv())
            .await
            .unwrap_or_else(|_| panic!("{what} in time"))
            .unwrap();
        if let Some(found) = pick(event) {
            return found;
        }
    }
}

async fn next_added(events: &mut broadcast::Receiver<ClientEvent>) -> ClientDevice {
    next_event(events, "a device added", |e| match e {
        ClientEvent::DeviceAdded(d) => Some(d),
        _ => None,
    })
    .await
}

async fn next_removed(events: &mut broadcast::Receiver<ClientEvent>) -> u32 {
    next_event(events, "a device removed", |e| match e {
        ClientEvent::DeviceRemoved { index, .. } => Some(index),
        _ => None,
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lovense_toy_is_found_identified_and_driven() {
    let mut bluez = bluez_with_adapter();
    let address = "C4:4F:33:00:00:01";
    bluez.cmd(lovense(address, "LVS-A011"));
    let Scanning {
        _server,
        client,
        mut events,
    } = Scanning::start().await;
    let nora = next_added(&mut events).await;
    // Identified by its answer to DeviceType; (a notification on rx), not by its name.
    assert_eq!(nora.name(), "Lovense Nora");
    assert_eq!(bluez.calls(address, "StartNotify"), 1);
    // A stopped scan is answered by the stop's Ok alone (no ScanningFinished), as in the
    // reference.
    client.stop_scanning().await.unwrap();
    assert!(!_server.device_manager().is_scanning());

    nora.vibrate(0.5).await.unwrap();
    let kind = bluez.wait_write(address, LOVENSE_TX, b"Vibrate:10;").await;
    // tx only allows writes without response.
    assert_eq!(kind, "command");
    nora.rotate(0.25).await.unwrap();
    bluez.wait_write(address, LOVENSE_TX, b"Rotate:5;").await;

    let battery = nora.battery().await.unwrap();
    assert!((battery - 0.85).abs() < 1e-9, "battery {battery}");

    // The client leaving stops the toy.
    client.disconnect().await.unwrap();
    bluez.wait_write(address, LOVENSE_TX, b"Vibrate:0;").await;
    bluez.wait_write(address, LOVENSE_TX, b"Rotate:0;").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn battery_is_read_and_writes_use_the_type_the_characteristic_allows() {
    let mut bluez = bluez_with_adapter();
    let address = "00:A0:50:00:00:02";
    bluez.cmd(magic_wand(address));
    let Scanning {
        _server,
        client,
        mut events,
    } = Scanning::start().await;
    let wand = next_added(&mut events).await;
    assert_eq!(wand.name(), "MagicMotion Wand");

    let battery = wand.battery().await.unwrap();
    assert!((battery - 0.75).abs() < 1e-9, "battery {battery}");
    assert!(bluez.calls(address, "ReadValue") >= 1);
    bluez.cmd(json!({"cmd": "set_value", "address": address, "char": BATTERY_LEVEL, "data": to_hex(&[30])}));
    let battery = wand.battery().await.unwrap();
    assert!((battery - 0.30).abs() < 1e-9, "battery {battery}");

    wand.vibrate(1.0).await.unwrap();
    let packet = [
        0x0B, 0xFF, 0x04, 0x0A, 0x32, 0x32, 0x00, 0x04, 0x08, 100, 0x64, 0x00,
    ];
    // The protocol writes without response; this tx only takes requests, so a request it is.
    let kind = bluez.wait_write(address, MAGIC_MOTION_TX, &packet).await;
    assert_eq!(kind, "request");
    client.disconnect().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peripheral_that_goes_away_comes_back_with_its_index() {
    let mut bluez = bluez_with_adapter();
    let address = "C4:4F:33:00:00:03";
    bluez.cmd(lovense(address, "LVS-A011"));
    let Scanning {
        _server,
        client,
        mut events,
    } = Scanning::start().await;
    let nora = next_added(&mut events).await;
    client.stop_scanning().await.unwrap();
    let index = nora.index();

    // Out of range: the link drops and the device object goes.
    assert_eq!(
        bluez.cmd(json!({"cmd": "go_away", "address": address}))["removed"],
        true
    );
    assert_eq!(next_removed(&mut events).await, index);
    assert!(nora.vibrate(0.5).await.is_err());
    assert!(client.devices().is_empty());

    // Back in range, with no scan running: reconnected on its own, same index.
    bluez.cmd(json!({"cmd": "come_back", "address": address}));
    let back = next_added(&mut events).await;
    assert_eq!(back.index(), index);
    assert_eq!(back.name(), "Lovense Nora");
    assert_eq!(bluez.calls(address, "Connect"), 2);
    back.vibrate(0.2).await.unwrap();
    bluez.wait_write(address, LOVENSE_TX, b"Vibrate:4;").await;

    // And again: a toy switched off and on twice still comes back.
    bluez.cmd(json!({"cmd": "go_away", "address": address}));
    assert_eq!(next_removed(&mut events).await, index);
    bluez.cmd(json!({"cmd": "come_back", "address": address}));
    assert_eq!(next_added(&mut events).await.index(), index);
    client.disconnect().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_toy_switched_off_and_on_reconnects_when_it_advertises_again() {
    let mut bluez = bluez_with_adapter();
    let address = "C4:4F:33:00:00:05";
    bluez.cmd(lovense(address, "LVS-A011"));
    let Scanning {
        _server,
        client,
        mut events,
    } = Scanning::start().await;
    let nora = next_added(&mut events).await;
    client.stop_scanning().await.unwrap();

    // The link drops but BlueZ keeps the device object (as it does for a while).
    bluez.cmd(json!({"cmd": "drop_link", "address": address}));
    assert_eq!(next_removed(&mut events).await, nora.index());
    // Nothing happens until the toy is heard again...
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(bluez.calls(address, "Connect"), 1);
    // ...then it is reconnected with its index.
    bluez.cmd(json!({"cmd": "advertise", "address": address, "rssi": -60}));
    let back = next_added(&mut events).await;
    assert_eq!(back.index(), nora.index());
    back.vibrate(1.0).await.unwrap();
    bluez.wait_write(address, LOVENSE_TX, b"Vibrate:20;").await;
    client.disconnect().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_connection_is_retried_when_the_toy_advertises_again() {
    let mut bluez = bluez_with_adapter();
    let Scanning {
        _server,
        client,
        mut events,
    } = Scanning::start().await;
    // Appears during the scan, advertising only its name; its first connection fails.
    let address = "C4:4F:33:00:00:07";
    let mut toy = lovense(address, "LVS-A011");
    toy["advertised"] = json!([]);
    toy["connect_failures"] = json!(1);
    bluez.cmd(toy);
    let deadline = tokio::time::Instant::now() + WAIT;
    while bluez.calls(address, "Connect") == 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no connection attempt"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(client.devices().is_empty());
    // The next advertisement brings a second attempt, which works.
    bluez.cmd(json!({"cmd": "advertise", "address": address, "rssi": -55}));
    assert_eq!(next_added(&mut events).await.name(), "Lovense Nora");
    assert_eq!(bluez.calls(address, "Connect"), 2);
    client.disconnect().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_toy_matched_by_manufacturer_data_only_is_found() {
    let mut bluez = bluez_with_adapter();
    let address = "C4:4F:33:00:00:06";
    // Unknown name, no advertised services: nothing matches it at first.
    let mut toy = lovense(address, "Unnamed toy");
    toy["advertised"] = json!([]);
    bluez.cmd(toy);
    let Scanning {
        _server,
        client,
        mut events,
    } = Scanning::start().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(client.devices().is_empty());
    assert_eq!(bluez.calls(address, "Connect"), 0);
    // A later advertisement carries Lovense's company id and data prefix: offered again,
    // and now it matches.
    bluez.cmd(
        json!({"cmd": "advertisement", "address": address, "manufacturer": {"620": "ff2101"}}),
    );
    assert_eq!(next_added(&mut events).await.name(), "Lovense Nora");
    client.disconnect().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_toy_matched_by_advertised_service_only_is_found() {
    let mut bluez = bluez_with_adapter();
    let Scanning {
        _server,
        client,
        mut events,
    } = Scanning::start().await;
    // Switched on while the scan runs; a name no configuration knows, but the advertised
    // Lovense service identifies it.
    let address = "C4:4F:33:00:00:04";
    bluez.cmd(lovense(address, "Unnamed toy"));
    assert_eq!(next_added(&mut events).await.name(), "Lovense Nora");
    client.disconnect().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_an_adapter_scanning_says_so_and_other_managers_go_on() {
    let _bluez = bluez(); // BlueZ is there, but has no adapter.
    let server = server();
    let client = ButtplugClient::connect_in_process("ble test", &server)
        .await
        .unwrap();
    let err = client.start_scanning().await.unwrap_err().to_string();
    assert!(err.contains("no Bluetooth adapter"), "{err}");
    // The session goes on.
    client.stop_all().await.unwrap();
    client.disconnect().await.unwrap();

    let simulated = SimulatedHardware::new();
    simulated.add_device(SimulatedDeviceSpec {
        name: "LVS-Hush".into(),
        ..Default::default()
    });
    let server = ButtplugServer::builder()
        .bluetooth_le(true)
        .simulated(simulated)
        .build()
        .unwrap();
    let client = ButtplugClient::connect_in_process("ble test", &server)
        .await
        .unwrap();
    client.scan(WAIT, Some(1)).await.unwrap();
    let names: Vec<String> = client
        .devices()
        .iter()
        .map(|d| d.name().to_string())
        .collect();
    assert_eq!(names, ["Lovense Hush"]);
    client.disconnect().await.unwrap();
}
