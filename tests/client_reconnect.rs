//! Websocket client reconnect with backoff (#24), against real `plugwire serve` processes
//! on loopback behind a loopback TCP relay the test can cut (the client's URL stays the
//! relay's while the server behind it is killed and restarted): the link drops, requests
//! fail clearly while it is down, the client dials again, re-syncs its device list and
//! says so; nothing sent before (or during) the drop reaches the new server.

#[path = "support/serve_process.rs"]
mod serve_process;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use plugwire::client::{
    ButtplugClient, ClientError, ClientEvent, ClientOptions, PingPolicy, ReconnectPolicy,
};
use serve_process::Serve;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast;

const LUSH: &str = "AA:BB:CC:00:24:01";
const NORA: &str = "AA:BB:CC:00:24:02";
const HUSH: &str = "AA:BB:CC:00:24:03";
const WAIT: Duration = Duration::from_secs(15);

/// A TCP relay on loopback: while up it forwards each connection to `backend`; while
/// down it closes what it accepts. `cut()` closes the connections it carries.
struct Relay {
    port: u16,
    up: Arc<AtomicBool>,
    backend: Arc<Mutex<String>>,
    accepted: Arc<AtomicUsize>,
    /// Bytes the clients sent through the relay.
    upstream: Arc<AtomicUsize>,
    links: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Relay {
    async fn start(backend: &str) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let backend = Arc::new(Mutex::new(backend.to_string()));
        let accepted = Arc::new(AtomicUsize::new(0));
        let upstream = Arc::new(AtomicUsize::new(0));
        let links: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>> = Default::default();
        let task = tokio::spawn({
            let (up, backend, accepted, upstream, links) = (
                up.clone(),
                backend.clone(),
                accepted.clone(),
                upstream.clone(),
                links.clone(),
            );
            async move {
                loop {
                    let Ok((inbound, _)) = listener.accept().await else {
                        return;
                    };
                    accepted.fetch_add(1, Ordering::SeqCst);
                    if !up.load(Ordering::SeqCst) {
                        drop(inbound);
                        continue;
                    }
                    let to = backend.lock().unwrap().clone();
                    let upstream = upstream.clone();
                    links.lock().unwrap().push(tokio::spawn(async move {
                        if let Ok(outbound) = TcpStream::connect(to).await {
                            relay_link(inbound, outbound, &upstream).await;
                        }
                    }));
                }
            }
        });
        Relay {
            port,
            up,
            backend,
            accepted,
            upstream,
            links,
            task,
        }
    }

    fn url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.port)
    }

    /// Refuses new connections and closes the ones it carries.
    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }

    fn restore(&self, backend: &str) {
        *self.backend.lock().unwrap() = backend.to_string();
        self.up.store(true, Ordering::SeqCst);
    }
}

/// Carries one connection both ways, counting the client's bytes, until either side ends.
async fn relay_link(inbound: TcpStream, outbound: TcpStream, upstream: &AtomicUsize) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (mut from_client, mut to_client) = inbound.into_split();
    let (mut from_server, mut to_server) = outbound.into_split();
    let up = async {
        let mut buf = [0u8; 4096];
        loop {
            match from_client.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    upstream.fetch_add(n, Ordering::SeqCst);
                    if to_server.write_all(&buf[..n]).await.is_err() {
                        return;
                    }
                }
            }
        }
    };
    let down = tokio::io::copy(&mut from_server, &mut to_client);
    tokio::select! {
        _ = up => {}
        _ = down => {}
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.task.abort();
        self.cut();
    }
}

/// A directory for the servers' logs, removed when dropped.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("plugwire-reconnect-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn serve(log: &std::path::Path, toys: &[&str]) -> Serve {
    serve_with(log, toys, &[])
}

/// [`serve`] with more flags.
fn serve_with(log: &std::path::Path, toys: &[&str], flags: &[&str]) -> Serve {
    let mut args = vec![
        "--websocket-port".to_string(),
        "0".to_string(),
        "--log".to_string(),
        "error".to_string(),
        "--simulated-log".to_string(),
        log.display().to_string(),
    ];
    for t in toys {
        args.push("--simulate".to_string());
        args.push(t.to_string());
    }
    args.extend(flags.iter().map(|f| f.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    Serve::start(&args)
}

/// `host:port` of a server's websocket.
fn address(serve: &Serve) -> String {
    serve.ws_url().trim_start_matches("ws://").to_string()
}

async fn next_event(
    events: &mut broadcast::Receiver<ClientEvent>,
    what: &str,
    want: impl Fn(&ClientEvent) -> bool,
) -> ClientEvent {
    tokio::time::timeout(WAIT, async {
        loop {
            match events.recv().await {
                Ok(e) if want(&e) => return e,
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(e) => panic!("event stream ended waiting for {what}: {e}"),
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no {what} within {WAIT:?}"))
}

async fn scan_until(client: &ButtplugClient, names: &[&str]) {
    client.start_scanning().await.unwrap();
    tokio::time::timeout(WAIT, async {
        loop {
            let have: BTreeSet<String> = client
                .devices()
                .iter()
                .map(|d| d.name().to_string())
                .collect();
            if names.iter().all(|n| have.contains(*n)) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("devices {names:?} did not appear"));
    client.stop_scanning().await.unwrap();
}

fn reconnecting(policy: ReconnectPolicy) -> ClientOptions {
    ClientOptions {
        ping: PingPolicy::FromServer,
        reconnect: Some(policy),
    }
}

fn vibrate_writes(log: &std::path::Path, address: &str) -> Vec<String> {
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(log).unwrap()).unwrap();
    log[address]
        .as_array()
        .map(|records| {
            records
                .iter()
                .filter(|r| r["kind"] == "Write")
                .filter_map(|r| r["text"].as_str())
                .filter(|t| t.starts_with("Vibrate"))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_link_reconnects_and_resyncs_the_device_list_without_replaying() {
    let dir = TempDir::new("resync");
    let (log1, log2) = (dir.path().join("one.json"), dir.path().join("two.json"));
    let first = serve(
        &log1,
        &[&format!("LVS-Lush@{LUSH}"), &format!("LVS-Nora@{NORA}")],
    );
    let relay = Relay::start(&address(&first)).await;
    let policy = ReconnectPolicy {
        initial_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(200),
        max_attempts: None,
    };
    let client =
        ButtplugClient::connect_websocket_with("reconnect", &relay.url(), reconnecting(policy))
            .await
            .unwrap();
    scan_until(&client, &["Lovense Lush", "Lovense Nora"]).await;
    let lush = client
        .devices()
        .into_iter()
        .find(|d| d.name() == "Lovense Lush")
        .unwrap();
    lush.vibrate(0.5).await.unwrap();
    let mut events = client.events();

    // The server dies: the client says the link is lost and refuses requests at once.
    drop(first);
    relay.cut();
    next_event(&mut events, "ConnectionLost", |e| {
        matches!(e, ClientEvent::ConnectionLost)
    })
    .await;
    assert!(!client.is_connected() && client.is_reconnecting());
    assert_eq!(lush.vibrate(0.75).await, Err(ClientError::Reconnecting));
    assert_eq!(client.ping().await, Err(ClientError::Reconnecting));
    // Attempts go on (and fail) while the relay refuses.
    let before = relay.accepted.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(
        relay.accepted.load(Ordering::SeqCst) >= before + 2,
        "the client keeps dialing with backoff"
    );
    assert!(client.is_reconnecting());

    // A new server with another set of toys: Lush stays, Nora is gone, Hush is new. A
    // direct client makes it find them before the relay lets ours through.
    let second = serve(
        &log2,
        &[&format!("LVS-Lush@{LUSH}"), &format!("LVS-Hush@{HUSH}")],
    );
    {
        let direct = ButtplugClient::connect_websocket("direct", &second.ws_url())
            .await
            .unwrap();
        scan_until(&direct, &["Lovense Lush", "Lovense Hush"]).await;
        direct.disconnect().await.unwrap();
    }
    let mut seen = Vec::new();
    relay.restore(&address(&second));
    let reconnected = tokio::time::timeout(WAIT, async {
        loop {
            match events.recv().await.unwrap() {
                ClientEvent::Reconnected { attempts, devices } => return (attempts, devices),
                e => seen.push(e),
            }
        }
    })
    .await
    .expect("Reconnected");
    let (attempts, devices) = reconnected;
    assert!(attempts >= 2, "{attempts}");
    assert!(client.is_connected() && !client.is_reconnecting());
    let names: BTreeSet<String> = devices.iter().map(|d| d.name().to_string()).collect();
    assert_eq!(
        names,
        BTreeSet::from(["Lovense Lush".to_string(), "Lovense Hush".to_string()])
    );
    assert_eq!(
        client
            .devices()
            .iter()
            .map(|d| d.name().to_string())
            .collect::<BTreeSet<_>>(),
        names
    );
    // The resync told the application: Nora removed, Hush added, before Reconnected.
    assert!(
        seen.iter().any(
            |e| matches!(e, ClientEvent::DeviceRemoved { name, .. } if name == "Lovense Nora")
        ),
        "{seen:?}"
    );
    assert!(
        seen.iter()
            .any(|e| matches!(e, ClientEvent::DeviceAdded(d) if d.name() == "Lovense Hush")),
        "{seen:?}"
    );

    // Commands work again on the new link, and only what was sent after it arrives.
    let lush = client
        .devices()
        .into_iter()
        .find(|d| d.name() == "Lovense Lush")
        .unwrap();
    lush.vibrate(0.25).await.unwrap();
    client.disconnect().await.unwrap();
    second.stop();
    let writes = vibrate_writes(&log2, LUSH);
    assert!(writes.contains(&"Vibrate:5;".to_string()), "{writes:?}");
    assert!(
        !writes
            .iter()
            .any(|w| w == "Vibrate:10;" || w == "Vibrate:15;"),
        "nothing from before the reconnect is replayed: {writes:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnecting_gives_up_after_max_attempts() {
    let dir = TempDir::new("give-up");
    let server = serve(&dir.path().join("log.json"), &[&format!("LVS-Lush@{LUSH}")]);
    let relay = Relay::start(&address(&server)).await;
    let policy = ReconnectPolicy {
        initial_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(40),
        max_attempts: Some(3),
    };
    let client =
        ButtplugClient::connect_websocket_with("give up", &relay.url(), reconnecting(policy))
            .await
            .unwrap();
    let mut events = client.events();
    let before = relay.accepted.load(Ordering::SeqCst);
    relay.cut();
    next_event(&mut events, "ConnectionLost", |e| {
        matches!(e, ClientEvent::ConnectionLost)
    })
    .await;
    next_event(&mut events, "ServerDisconnected", |e| {
        matches!(e, ClientEvent::ServerDisconnected)
    })
    .await;
    assert!(!client.is_connected() && !client.is_reconnecting());
    assert_eq!(client.ping().await, Err(ClientError::NotConnected));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        relay.accepted.load(Ordering::SeqCst),
        before + 3,
        "three attempts, no more"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disconnect_while_reconnecting_stops_the_attempts() {
    let dir = TempDir::new("stop");
    let server = serve(&dir.path().join("log.json"), &[&format!("LVS-Lush@{LUSH}")]);
    let relay = Relay::start(&address(&server)).await;
    let policy = ReconnectPolicy {
        initial_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(20),
        max_attempts: None,
    };
    let client = ButtplugClient::connect_websocket_with("stop", &relay.url(), reconnecting(policy))
        .await
        .unwrap();
    let mut events = client.events();
    relay.cut();
    next_event(&mut events, "ConnectionLost", |e| {
        matches!(e, ClientEvent::ConnectionLost)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    client.disconnect().await.unwrap();
    next_event(&mut events, "ServerDisconnected", |e| {
        matches!(e, ClientEvent::ServerDisconnected)
    })
    .await;
    assert!(!client.is_connected() && !client.is_reconnecting());
    // Whatever attempt was under way ends; then none follows, even with the relay back.
    tokio::time::sleep(Duration::from_millis(100)).await;
    relay.restore(&address(&server));
    let after = relay.accepted.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(relay.accepted.load(Ordering::SeqCst), after);
    assert_eq!(client.ping().await, Err(ClientError::NotConnected));
}

/// Without the option a dropped link ends the session as before: no attempt is made.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_option_a_drop_is_final() {
    let dir = TempDir::new("once");
    let server = serve(&dir.path().join("log.json"), &[&format!("LVS-Lush@{LUSH}")]);
    let relay = Relay::start(&address(&server)).await;
    let client = ButtplugClient::connect_websocket("once", &relay.url())
        .await
        .unwrap();
    let mut events = client.events();
    let before = relay.accepted.load(Ordering::SeqCst);
    relay.cut();
    relay.restore(&address(&server));
    next_event(&mut events, "ServerDisconnected", |e| {
        matches!(e, ClientEvent::ServerDisconnected)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(relay.accepted.load(Ordering::SeqCst), before);
    assert!(!client.is_reconnecting());
}

/// Reconnects quickly: 50 ms, then 100 ms between attempts.
const QUICK: ReconnectPolicy = ReconnectPolicy {
    initial_delay: Duration::from_millis(50),
    max_delay: Duration::from_millis(100),
    max_attempts: None,
};

/// Connects through the relay, reconnecting with [`QUICK`].
async fn quick_client(name: &str, relay: &Relay) -> ButtplugClient {
    ButtplugClient::connect_websocket_with(name, &relay.url(), reconnecting(QUICK))
        .await
        .unwrap()
}

/// Ends `first` and the link to it, waits for `ConnectionLost`, then points the relay at
/// the server `second` starts and waits for `Reconnected`.
async fn move_to_another_server(
    relay: &Relay,
    events: &mut broadcast::Receiver<ClientEvent>,
    first: Serve,
    second: impl FnOnce() -> Serve,
) -> Serve {
    drop(first);
    relay.cut();
    next_event(events, "ConnectionLost", |e| {
        matches!(e, ClientEvent::ConnectionLost)
    })
    .await;
    let second = second();
    relay.restore(&address(&second));
    next_event(events, "Reconnected", |e| {
        matches!(e, ClientEvent::Reconnected { .. })
    })
    .await;
    second
}

/// A client connected to a server that asks for no pings reconnects to one that does
/// (`--max-ping-time 300`): it must ping the new server at its interval, or that server
/// stops every device and ends the session at its deadline.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_reconnect_the_client_pings_at_the_new_servers_max_ping_time() {
    let dir = TempDir::new("ping-on");
    let first = serve(&dir.path().join("one.json"), &[]);
    let relay = Relay::start(&address(&first)).await;
    let client = quick_client("ping on", &relay).await;
    assert_eq!(client.max_ping_time_ms(), 0);
    let mut events = client.events();
    let _second = move_to_another_server(&relay, &mut events, first, || {
        serve_with(
            &dir.path().join("two.json"),
            &[],
            &["--max-ping-time", "300"],
        )
    })
    .await;
    assert_eq!(client.max_ping_time_ms(), 300);
    // Four deadlines of the new server pass: the session lives on.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let mut after = Vec::new();
    while let Ok(e) = events.try_recv() {
        after.push(e);
    }
    assert!(
        !after.iter().any(|e| matches!(
            e,
            ClientEvent::PingTimeout
                | ClientEvent::ConnectionLost
                | ClientEvent::ServerDisconnected
        )),
        "the new server's ping deadline passed: {after:?}"
    );
    assert!(client.is_connected());
    client.ping().await.unwrap();
    client.disconnect().await.unwrap();
}

/// The other way round: a reconnect to a server that asks for no pings (MaxPingTime 0)
/// turns the client's pings off; nothing reaches the new server while the client idles.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_reconnect_to_a_server_without_max_ping_time_the_client_stops_pinging() {
    let dir = TempDir::new("ping-off");
    // No websocket-level pings from the servers within the test's window either.
    let quiet = ["--websocket-client-timeout", "3600000"];
    let first = serve_with(
        &dir.path().join("one.json"),
        &[],
        &["--max-ping-time", "200", quiet[0], quiet[1]],
    );
    let relay = Relay::start(&address(&first)).await;
    let client = quick_client("ping off", &relay).await;
    assert_eq!(client.max_ping_time_ms(), 200);
    // It pings the first server.
    let before = relay.upstream.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(relay.upstream.load(Ordering::SeqCst) > before);
    let mut events = client.events();
    let _second = move_to_another_server(&relay, &mut events, first, || {
        serve_with(&dir.path().join("two.json"), &[], &quiet)
    })
    .await;
    assert_eq!(client.max_ping_time_ms(), 0);
    // Whatever of the resync is still on its way arrives first.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let before = relay.upstream.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        relay.upstream.load(Ordering::SeqCst),
        before,
        "the client still pings a server that asks for no pings"
    );
    assert!(client.is_connected());
    client.disconnect().await.unwrap();
}
