//! Runtime lifecycle through the C ABI: the last free and plugwire_shutdown leave no
//! library thread running. In its own test binary because it shuts the library down.

use std::os::raw::c_void;
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use plugwire::ffi::*;
use plugwire::proto as pb;
use prost::Message;

/// Threads of this process whose name starts with `prefix`.
fn threads_named(prefix: &str) -> usize {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .filter(|name| name.starts_with(prefix))
        .count()
}

fn wait_no_threads() {
    let deadline = Instant::now() + Duration::from_secs(5);
    while threads_named("plugwire") > 0 {
        assert!(
            Instant::now() < deadline,
            "library threads still running: {}",
            threads_named("plugwire")
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn new_client() -> *mut PlugwireClient {
    let mut raw = ptr::null_mut();
    assert_eq!(
        unsafe { plugwire_client_new(None, ptr::null_mut(), &mut raw) },
        PlugwireStatus::Ok
    );
    raw
}

fn send(client: *mut PlugwireClient, kind: pb::request::Kind) -> PlugwireStatus {
    let bytes = pb::Request { kind: Some(kind) }.encode_to_vec();
    unsafe {
        plugwire_client_request(
            client,
            bytes.as_ptr(),
            bytes.len(),
            None,
            ptr::null_mut::<c_void>(),
        )
    }
}

fn connect(client: *mut PlugwireClient) {
    let status = send(
        client,
        pb::request::Kind::ConnectEmbedded(pb::ConnectEmbedded {
            simulated_devices: vec![pb::SimulatedDevice {
                name: "LVS-Lush".into(),
                ..Default::default()
            }],
            ..Default::default()
        }),
    );
    assert_eq!(status, PlugwireStatus::Ok);
}

#[test]
fn lifecycle() {
    // The last free stops the runtime.
    let a = new_client();
    let b = new_client();
    connect(a);
    connect(b);
    std::thread::sleep(Duration::from_millis(50));
    assert!(
        threads_named("plugwire-rt") > 0,
        "{:?}",
        std::fs::read_dir("/proc/self/task")
            .unwrap()
            .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
            .collect::<Vec<_>>()
    );
    assert_eq!(unsafe { plugwire_client_free(a) }, PlugwireStatus::Ok);
    assert!(
        threads_named("plugwire-rt") > 0,
        "b still needs the runtime"
    );
    assert_eq!(unsafe { plugwire_client_free(b) }, PlugwireStatus::Ok);
    wait_no_threads();

    // Create/free cycles with requests in flight leave nothing behind.
    for _ in 0..100 {
        let c = new_client();
        connect(c);
        send(c, pb::request::Kind::StartScanning(pb::StartScanning {}));
        assert_eq!(unsafe { plugwire_client_free(c) }, PlugwireStatus::Ok);
    }
    wait_no_threads();

    // plugwire_shutdown closes live clients; their handles only accept free.
    let c = new_client();
    connect(c);
    assert_eq!(plugwire_shutdown(2000), PlugwireStatus::Ok);
    wait_no_threads();
    let status = send(c, pb::request::Kind::Ping(pb::Ping {}));
    assert!(
        matches!(
            status,
            PlugwireStatus::ClientClosed | PlugwireStatus::ShutDown
        ),
        "{status:?}"
    );
    assert_eq!(unsafe { plugwire_client_free(c) }, PlugwireStatus::Ok);

    // And the library starts afresh afterwards.
    let d = new_client();
    connect(d);
    assert_eq!(unsafe { plugwire_client_free(d) }, PlugwireStatus::Ok);
    wait_no_threads();

    // plugwire_shutdown waits for a plugwire_client_close under way: the close's on_closed
    // is a client callback, and none runs once shutdown has returned (a host unloading the
    // library right after shutdown must not be called into).
    let e = new_client();
    connect(e);
    let finished: &'static AtomicBool = Box::leak(Box::new(AtomicBool::new(false)));
    let context = finished as *const AtomicBool as *mut c_void;
    assert_eq!(
        unsafe { plugwire_client_close(e, Some(slow_on_closed), context) },
        PlugwireStatus::Ok
    );
    assert_eq!(plugwire_shutdown(5000), PlugwireStatus::Ok);
    assert!(
        finished.load(Ordering::SeqCst),
        "plugwire_shutdown returned while a close's on_closed was still to run"
    );
    wait_no_threads();
}

/// A completion callback that takes a while, then says it has finished.
unsafe extern "C" fn slow_on_closed(user_data: *mut c_void) {
    std::thread::sleep(Duration::from_millis(300));
    let finished = unsafe { &*(user_data as *const AtomicBool) };
    finished.store(true, Ordering::SeqCst);
}
