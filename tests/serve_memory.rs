//! The memory one hostile frame can cost, measured on a `plugwire serve` child process
//! (its `/proc/<pid>/status`). Bounds are generous (a debug build, any allocator); the
//! exact release figures come from `cargo bench --bench hostile_frames` and are in the
//! README.

#[path = "support/serve_child.rs"]
mod serve_child;

use serve_child::*;

/// Before the per-frame bound one such frame cost ~0.87 GB and a 63 MB reply.
const PEAK_BOUND_KB: u64 = 100 * 1024;
const REPLY_BOUND_BYTES: usize = 64 * 1024;

#[test]
fn hostile_frames_cost_bounded_memory_and_bounded_replies() {
    let serve = Serve::start(env!("CARGO_BIN_EXE_plugwire"), &[]);
    let mut ws = serve.client();
    let (hwm_before, rss_before) = serve.memory_kb();

    let frame = empty_objects_frame();
    let reply = call(&mut ws, &frame);
    assert_eq!(reply.len(), 1, "one Error for the frame");
    assert_eq!(reply[0]["Error"]["ErrorCode"], 3, "{reply:?}");
    let empty_reply = hammer(&mut ws, &frame, 10);

    let frame = device_list_frame();
    let reply = call(&mut ws, &frame);
    assert_eq!(reply.len(), 1, "one Error for the frame");
    let list_reply = hammer(&mut ws, &frame, 10);
    let (hwm, rss) = serve.memory_kb();
    drop(ws);
    std::thread::sleep(std::time::Duration::from_millis(500));
    let (_, rss_after) = serve.memory_kb();
    eprintln!(
        "before: VmHWM {hwm_before} kB VmRSS {rss_before} kB; after 11+11 frames: VmHWM {hwm} kB VmRSS {rss} kB; \
         client gone: VmRSS {rss_after} kB; replies {empty_reply} and {list_reply} bytes"
    );
    assert!(empty_reply < REPLY_BOUND_BYTES, "{empty_reply} bytes");
    assert!(list_reply < REPLY_BOUND_BYTES, "{list_reply} bytes");
    assert!(hwm < PEAK_BOUND_KB, "peak {hwm} kB");
    assert!(rss_after < PEAK_BOUND_KB, "after {rss_after} kB");

    // The server still serves the next client.
    let mut next = serve.client();
    let list = call(&mut next, r#"[{"RequestDeviceList":{"Id":3}}]"#);
    assert_eq!(list[0]["DeviceList"]["Id"], 3, "{list:?}");
}
