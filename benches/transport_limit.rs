//! How far `plugwire serve`'s websocket path is from its transport's limit: a bare
//! websocket echo (the same tokio-tungstenite, frame limits, runtime settings and reply
//! frames, with the same flush batching, but no Buttplug) and plugwire's server with one
//! simulated toy (gap 0), each in its own process, driven by the same loopback load
//! generator: one command at a time (p50/p99 from sending it to reading its reply, which
//! plugwire sends after the toy's write) and pipelined (commands/s and the server's CPU).
//!
//! Run with `cargo bench --bench transport_limit`. To count the server's instructions:
//! `PLUGWIRE_BENCH_WRAP="valgrind --tool=callgrind" PLUGWIRE_BENCH_COMMANDS=20000 cargo
//! bench --bench transport_limit`.

#[path = "support/loopback.rs"]
mod loopback;

use futures_util::{FutureExt, SinkExt, StreamExt};
use plugwire::ButtplugServer;
use plugwire::hardware::simulated::{SimulatedDeviceSpec, SimulatedHardware};
use plugwire::transport::{MAX_FRAME_BYTES, WebsocketServer};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// The reference server (Intiface Engine 5.0.5) on this machine: pipelined commands/s at
/// one full core, and command -> toy p50 / p99 over loopback (measured side by side).
const REFERENCE_PER_CORE: f64 = 94_000.0;
const REFERENCE_P50_US: f64 = 203.0;
const REFERENCE_P99_US: f64 = 426.0;

/// The reply the echo sends for every frame: as long as plugwire's `Ok` for these Ids.
const ECHO_REPLY: &str = r#"[{"Ok":{"Id":1000}}]"#;

fn main() {
    match std::env::var(loopback::ROLE).as_deref() {
        Ok("echo") => {
            serve(echo());
            return;
        }
        Ok("plugwire") => {
            serve(plugwire());
            return;
        }
        _ => {}
    }
    // PLUGWIRE_BENCH_COMMANDS scales both runs down, for a server under a profiler.
    let total: u64 = std::env::var("PLUGWIRE_BENCH_COMMANDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300_000);
    let latency_count = (total / 30).max(100) as usize;
    let mut results = Vec::new();
    for role in ["echo", "plugwire"] {
        let (child, addr) = loopback::spawn_server(role);
        let ws = loopback::connect(&addr, role == "plugwire");
        let (p50, p99) = loopback::one_at_a_time(ws.get_ref(), latency_count);
        let throughput = loopback::pipelined(ws.get_ref(), child.id(), total);
        let (p50, p99) = (p50.as_secs_f64() * 1e6, p99.as_secs_f64() * 1e6);
        println!("{role:<9} one at a time: p50 {p50:.1} us, p99 {p99:.1} us");
        println!("{role:<9} pipelined: {throughput}");
        results.push((p50, p99, throughput));
        drop(ws);
        loopback::stop_server(child);
    }
    let (echo, plugwire) = (&results[0], &results[1]);
    let per_cpu = |t: &loopback::Throughput| t.per_second / t.cpu_share.max(1e-9);
    println!(
        "plugwire / echo: p50 {:.2}x, p99 {:.2}x the echo's latency; {:.2}x fewer commands/s; {:.2}x the CPU per command",
        plugwire.0 / echo.0,
        plugwire.1 / echo.1,
        echo.2.per_second / plugwire.2.per_second,
        plugwire.2.cpu_us_each / echo.2.cpu_us_each
    );
    println!(
        "plugwire / reference: {:.2}x the reference's commands per CPU-second ({:.0} against {REFERENCE_PER_CORE:.0}); p50 {:.2}x, p99 {:.2}x the reference's ({REFERENCE_P50_US} / {REFERENCE_P99_US} us)",
        per_cpu(&plugwire.2) / REFERENCE_PER_CORE,
        per_cpu(&plugwire.2),
        plugwire.0 / REFERENCE_P50_US,
        plugwire.1 / REFERENCE_P99_US
    );
}

fn runtime() -> tokio::runtime::Runtime {
    // As `plugwire serve` and the other benches' servers: two workers.
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// In the child: runs `server` (which prints its address), until stdin closes.
fn serve(server: impl Future<Output = Box<dyn std::any::Any + Send>>) {
    runtime().block_on(async {
        let _keep = server.await;
        tokio::task::spawn_blocking(loopback::wait_for_stdin_close)
            .await
            .ok();
    });
}

async fn plugwire() -> Box<dyn std::any::Any + Send> {
    let hw = SimulatedHardware::new();
    hw.add_device(SimulatedDeviceSpec {
        name: "LVS-Lush".into(),
        ..Default::default()
    });
    let server = ButtplugServer::builder()
        .simulated(hw)
        .default_message_gap_ms(0)
        .build()
        .expect("server");
    let ws = WebsocketServer::start(server, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("listen");
    println!("{}", ws.local_addr());
    Box::new(ws)
}

async fn echo() -> Box<dyn std::any::Any + Send> {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("listen");
    println!("{}", listener.local_addr().expect("address"));
    let accept = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            stream.set_nodelay(true).ok();
            tokio::spawn(echo_connection(stream));
        }
    });
    Box::new(accept)
}

/// Answers every text frame with [`ECHO_REPLY`]; replies to frames already read go out
/// in one flush, as plugwire's do.
async fn echo_connection(stream: tokio::net::TcpStream) {
    let limits = WebSocketConfig {
        max_message_size: Some(MAX_FRAME_BYTES),
        max_frame_size: Some(MAX_FRAME_BYTES),
        ..Default::default()
    };
    let Ok(ws) = tokio_tungstenite::accept_async_with_config(stream, Some(limits)).await else {
        return;
    };
    let (mut sink, mut source) = ws.split();
    while let Some(Ok(message)) = source.next().await {
        let mut next = Some(message);
        while let Some(message) = next.take() {
            let fed = match message {
                Message::Text(_) => sink.feed(Message::text(ECHO_REPLY)).await,
                Message::Close(_) => return,
                _ => Ok(()),
            };
            if fed.is_err() {
                return;
            }
            if let Some(Some(Ok(more))) = source.next().now_or_never() {
                next = Some(more);
            }
        }
        if sink.flush().await.is_err() {
            return;
        }
    }
}
