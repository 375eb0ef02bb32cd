//! What hostile frames cost a release `plugwire serve` process: reply size, time per
//! frame and the server's memory (VmHWM/VmRSS from `/proc/<pid>/status`) for 1 MiB frames
//! of `{}` x 524288 and of `RequestDeviceList`, and for pipelined frames at the
//! per-frame message bound. Run with `cargo bench --bench hostile_frames` (Linux).

#[path = "../tests/support/serve_child.rs"]
mod serve_child;

use std::time::Instant;

use serde_json::json;
use serve_child::*;
use tokio_tungstenite::tungstenite::Message;

fn run(label: &str, env: &[(&str, &str)]) {
    let serve = Serve::start(env!("CARGO_BIN_EXE_plugwire"), env);
    let mut ws = serve.client();
    let (hwm, rss) = serve.memory_kb();
    println!("{label}: after handshake and scan: VmHWM {hwm} kB, VmRSS {rss} kB");

    for (name, frame) in [
        ("{} x 524288 (1 MiB)", empty_objects_frame()),
        ("RequestDeviceList x 33825 (1 MiB)", device_list_frame()),
    ] {
        let frames = 20;
        let started = Instant::now();
        let reply = hammer(&mut ws, &frame, frames);
        let each = started.elapsed() / frames as u32;
        let (hwm, rss) = serve.memory_kb();
        println!(
            "{label}: {frames} frames of {name}: reply {reply} bytes, {each:?} a frame; VmHWM {hwm} kB, VmRSS {rss} kB"
        );
    }

    // Frames at the bound, pipelined: 256 RequestDeviceList each, 200 frames sent before
    // any reply is read.
    let max = plugwire::transport::MAX_MESSAGES_PER_FRAME;
    let frame = serde_json::Value::Array(
        (0..max)
            .map(|i| json!({"RequestDeviceList": {"Id": i + 10}}))
            .collect(),
    )
    .to_string();
    let frames = 200;
    let started = Instant::now();
    for _ in 0..frames {
        ws.send(Message::text(frame.as_str())).expect("sends");
    }
    let mut reply_bytes = 0;
    let mut answered = 0;
    while answered < frames {
        let replies = next_frame(&mut ws);
        if replies.len() == max {
            answered += 1;
            reply_bytes = serde_json::to_string(&replies).unwrap().len();
        }
    }
    let (hwm, rss) = serve.memory_kb();
    println!(
        "{label}: {frames} pipelined frames of {max} RequestDeviceList: reply {reply_bytes} bytes each, {:?} in all; VmHWM {hwm} kB, VmRSS {rss} kB",
        started.elapsed()
    );
    drop(ws);
    std::thread::sleep(std::time::Duration::from_millis(500));
    let (hwm, rss) = serve.memory_kb();
    println!("{label}: client gone: VmHWM {hwm} kB, VmRSS {rss} kB");
}

fn main() {
    run("default", &[]);
    run("MALLOC_ARENA_MAX=1", &[("MALLOC_ARENA_MAX", "1")]);
}
