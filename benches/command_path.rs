//! The command path under load, as figures (not timed tests):
//! - burst latency of the newest value: a client sends 1,000 commands/s for 2 s to a toy
//!   with a 75 ms message gap without waiting for replies; how long after the last
//!   command its value reached the toy, and how many writes the toy got (in-process
//!   client, C ABI, websocket);
//! - pipelined websocket throughput: commands/s over loopback to a server in its own
//!   process (gap 0), with the server's CPU time; the load generator writes pre-built
//!   frames on a raw socket and counts replies by scanning bytes, so it is not the ceiling.
//!
//! Run with `cargo bench --bench command_path`.

#[path = "support/loopback.rs"]
mod loopback;

use loopback::command;

use std::os::raw::c_void;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use plugwire::hardware::simulated::{SimulatedDevice, SimulatedDeviceSpec, SimulatedHardware};
use plugwire::proto as pb;
use plugwire::transport::WebsocketServer;
use plugwire::{ButtplugClient, ButtplugServer, OutputType, OutputValue};
use prost::Message as _;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

const GAP_MS: u32 = 75;
const BURST: u32 = 2000;

fn main() {
    if std::env::var(loopback::ROLE).as_deref() == Ok("server") {
        serve_for_throughput();
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    println!(
        "burst: {BURST} commands at 1 kHz to a toy with a {GAP_MS} ms gap, not waiting for replies"
    );
    runtime.block_on(burst_in_process());
    burst_abi();
    runtime.block_on(burst_websocket());
    drop(runtime);
    throughput();
}

fn sim_server(
    gap_ms: u32,
) -> (
    SimulatedHardware,
    SimulatedDevice,
    std::sync::Arc<ButtplugServer>,
) {
    let hw = SimulatedHardware::new();
    let toy = hw.add_device(SimulatedDeviceSpec {
        name: "LVS-Lush".into(),
        ..Default::default()
    });
    let server = ButtplugServer::builder()
        .simulated(hw.clone())
        .default_message_gap_ms(gap_ms)
        .build()
        .expect("server");
    (hw, toy, server)
}

fn last_is(toy: &SimulatedDevice, text: &str) -> bool {
    toy.writes()
        .last()
        .is_some_and(|w| w.data == text.as_bytes())
}

/// Value of command `i` of the burst: 1..=19, and 20 only for the last one.
fn burst_value(i: u32) -> u32 {
    if i == BURST - 1 { 20 } else { i % 19 + 1 }
}

fn report(path: &str, latency: Duration, writes: usize) {
    println!(
        "  {path:<10} newest value on the toy {:>6.1} ms after it was sent; {writes} writes for {BURST} commands",
        latency.as_secs_f64() * 1e3
    );
}

async fn burst_in_process() {
    let (_hw, toy, server) = sim_server(GAP_MS);
    let client = ButtplugClient::connect_in_process("bench", &server)
        .await
        .expect("connect");
    client
        .scan(Duration::from_secs(5), Some(1))
        .await
        .expect("scan");
    let device = client.devices().remove(0);
    toy.clear_log();
    let mut tick = tokio::time::interval(Duration::from_millis(1));
    let mut pending = Vec::new();
    for i in 0..BURST {
        tick.tick().await;
        let value = OutputValue::Steps(burst_value(i) as i32);
        pending.push(
            device
                .submit_outputs(&[(0, OutputType::Vibrate, value, None)])
                .expect("submit"),
        );
    }
    let sent = Instant::now();
    while !last_is(&toy, "Vibrate:20;") {
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
    let latency = sent.elapsed();
    for p in pending {
        let _ = p.await;
    }
    report("in-process", latency, toy.writes().len());
}

unsafe extern "C" fn reply_to(user_data: *mut c_void, data: *const u8, len: usize) {
    let tx = unsafe { Box::from_raw(user_data as *mut mpsc::Sender<Vec<u8>>) };
    let _ = tx.send(unsafe { std::slice::from_raw_parts(data, len) }.to_vec());
}

fn abi_request(
    client: *mut plugwire::ffi::PlugwireClient,
    kind: pb::request::Kind,
    tx: Option<&mpsc::Sender<Vec<u8>>>,
) {
    let bytes = pb::Request { kind: Some(kind) }.encode_to_vec();
    let (callback, user_data): (plugwire::ffi::PlugwireCallback, *mut c_void) = match tx {
        Some(tx) => (
            Some(reply_to),
            Box::into_raw(Box::new(tx.clone())) as *mut c_void,
        ),
        None => (None, std::ptr::null_mut()),
    };
    let status = unsafe {
        plugwire::ffi::plugwire_client_request(
            client,
            bytes.as_ptr(),
            bytes.len(),
            callback,
            user_data,
        )
    };
    assert_eq!(status, plugwire::ffi::PlugwireStatus::Ok);
}

fn abi_call(
    client: *mut plugwire::ffi::PlugwireClient,
    kind: pb::request::Kind,
) -> pb::reply::Kind {
    let (tx, rx) = mpsc::channel();
    abi_request(client, kind, Some(&tx));
    let reply = rx.recv_timeout(Duration::from_secs(10)).expect("reply");
    pb::Reply::decode(&reply[..])
        .expect("decodes")
        .kind
        .expect("kind")
}

fn burst_abi() {
    use plugwire::ffi::*;
    let mut client = std::ptr::null_mut();
    assert_eq!(
        unsafe { plugwire_client_new(None, std::ptr::null_mut(), &mut client) },
        PlugwireStatus::Ok
    );
    let address = "BE:00:00:00:00:01";
    abi_call(
        client,
        pb::request::Kind::ConnectEmbedded(pb::ConnectEmbedded {
            simulated_devices: vec![pb::SimulatedDevice {
                name: "LVS-Lush".into(),
                address: address.into(),
                ..Default::default()
            }],
            default_gap: Some(pb::connect_embedded::DefaultGap::DefaultMessageGapMs(
                GAP_MS,
            )),
            ..Default::default()
        }),
    );
    abi_call(
        client,
        pb::request::Kind::StartScanning(pb::StartScanning {}),
    );
    let device = loop {
        if let pb::reply::Kind::DeviceList(l) = abi_call(
            client,
            pb::request::Kind::RequestDeviceList(pb::RequestDeviceList {}),
        ) {
            if let Some(d) = l.devices.first() {
                break d.index;
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let log = |clear: bool| match abi_call(
        client,
        pb::request::Kind::SimulatedWriteLog(pb::SimulatedWriteLog {
            address: address.into(),
            clear,
        }),
    ) {
        pb::reply::Kind::WriteLog(l) => l
            .records
            .into_iter()
            .filter(|r| r.kind == pb::RecordKind::Write as i32)
            .map(|r| r.data)
            .collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    log(true);
    let period = Duration::from_millis(1);
    let start = Instant::now();
    for i in 0..BURST {
        let due = start + period * i;
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        abi_request(
            client,
            pb::request::Kind::DeviceOutput(pb::DeviceOutput {
                device_index: device,
                feature_index: 0,
                output: pb::OutputType::Vibrate as i32,
                value: Some(pb::device_output::Value::Steps(burst_value(i) as i32)),
                duration: None,
            }),
            None,
        );
    }
    let sent = Instant::now();
    let writes = loop {
        let writes = log(false);
        if writes.last().is_some_and(|w| w == b"Vibrate:20;") {
            break writes;
        }
        std::thread::sleep(Duration::from_micros(200));
    };
    report("C ABI", sent.elapsed(), writes.len());
    unsafe { plugwire_client_free(client) };
}

async fn burst_websocket() {
    let (_hw, toy, server) = sim_server(GAP_MS);
    let ws = WebsocketServer::start(server, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("listen");
    let (mut client, _) = tokio_tungstenite::connect_async(format!("ws://{}", ws.local_addr()))
        .await
        .expect("connect");
    handshake_and_scan(&mut client).await;
    toy.clear_log();
    let (mut sink, mut source) = client.split();
    let reader = tokio::spawn(async move { while let Some(Ok(_)) = source.next().await {} });
    let mut tick = tokio::time::interval(Duration::from_millis(1));
    for i in 0..BURST {
        tick.tick().await;
        sink.send(Message::text(command(10 + i, burst_value(i))))
            .await
            .unwrap();
    }
    let sent = Instant::now();
    while !last_is(&toy, "Vibrate:20;") {
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
    report("websocket", sent.elapsed(), toy.writes().len());
    reader.abort();
}

async fn handshake_and_scan<S>(client: &mut tokio_tungstenite::WebSocketStream<S>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let hello = json!([{"RequestServerInfo": {"Id": 1, "ClientName": "bench", "ProtocolVersionMajor": 4, "ProtocolVersionMinor": 0}}]);
    client.send(Message::text(hello.to_string())).await.unwrap();
    client.next().await.unwrap().unwrap();
    client
        .send(Message::text(
            json!([{"StartScanning": {"Id": 2}}]).to_string(),
        ))
        .await
        .unwrap();
    loop {
        if let Message::Text(t) = client.next().await.unwrap().unwrap() {
            // The toy added (a v4 DeviceList): simulated toys never finish a scan.
            if t.contains("DeviceList") {
                return;
            }
        }
    }
}

/// The child process: a websocket server with one simulated toy and no gap. Prints its
/// address, serves until stdin closes.
fn serve_for_throughput() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let (_hw, _toy, server) = sim_server(0);
        let ws = WebsocketServer::start(server, "127.0.0.1:0".parse().unwrap())
            .await
            .expect("listen");
        println!("{}", ws.local_addr());
        tokio::task::spawn_blocking(loopback::wait_for_stdin_close)
            .await
            .ok();
    });
}

fn throughput() {
    let (child, addr) = loopback::spawn_server("server");
    // Handshake and scan with tungstenite, then drive the raw socket.
    let ws = loopback::connect(&addr, true);
    let result = loopback::pipelined(ws.get_ref(), child.id(), 500_000);
    println!("pipelined websocket: {result}");
    drop(ws);
    loopback::stop_server(child);
}
