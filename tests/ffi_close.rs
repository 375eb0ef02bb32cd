//! `plugwire_client_close` (#24), the uv_close-style release: it returns at once, even from
//! inside the client's own callback, and its completion callback is the last callback the
//! client ever makes, with replies and events in flight and a `next_event` blocked on
//! another thread.

use std::os::raw::c_void;
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use plugwire::ffi::*;
use plugwire::proto as pb;
use prost::Message;

const WAIT: Duration = Duration::from_secs(10);

/// Shared by every callback of one client: what ran, and what ran after `on_closed`.
#[derive(Default)]
struct Witness {
    callbacks: AtomicUsize,
    /// A callback that started after `on_closed` ran (must stay 0).
    after_close: AtomicUsize,
    closed: AtomicBool,
    closed_calls: AtomicUsize,
    /// A callback is running right now (on_closed must never see one).
    running: AtomicUsize,
    overlapped: AtomicBool,
    /// The handle, for the callback that closes its own client.
    handle: Mutex<Option<usize>>,
    /// The test is done with the handle (it must not use it once closed).
    sent: AtomicBool,
    close_from_callback_returned_in: Mutex<Option<Duration>>,
}

unsafe extern "C" fn on_callback(user_data: *mut c_void, _data: *const u8, _len: usize) {
    let w = unsafe { &*(user_data as *const Witness) };
    w.running.fetch_add(1, Ordering::SeqCst);
    if w.closed.load(Ordering::SeqCst) {
        w.after_close.fetch_add(1, Ordering::SeqCst);
    }
    w.callbacks.fetch_add(1, Ordering::SeqCst);
    // Slow callbacks, so some are running (and many waiting) when the close comes.
    std::thread::sleep(Duration::from_micros(300));
    w.running.fetch_sub(1, Ordering::SeqCst);
}

/// A callback that closes its own client, once, and records how long the close took.
unsafe extern "C" fn close_from_inside(user_data: *mut c_void, data: *const u8, len: usize) {
    let w = unsafe { &*(user_data as *const Witness) };
    let mine = w.handle.lock().unwrap().take();
    if let Some(raw) = mine {
        // Holds the callback thread until every request is sent: the rest of the
        // replies are then in flight at the close.
        while !w.sent.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_micros(100));
        }
        let started = Instant::now();
        let status = unsafe {
            plugwire_client_close(raw as *mut PlugwireClient, Some(on_closed), user_data)
        };
        assert_eq!(status, PlugwireStatus::Ok);
        *w.close_from_callback_returned_in.lock().unwrap() = Some(started.elapsed());
    }
    unsafe { on_callback(user_data, data, len) };
}

unsafe extern "C" fn on_closed(user_data: *mut c_void) {
    let w = unsafe { &*(user_data as *const Witness) };
    if w.running.load(Ordering::SeqCst) != 0 {
        w.overlapped.store(true, Ordering::SeqCst);
    }
    w.closed.store(true, Ordering::SeqCst);
    w.closed_calls.fetch_add(1, Ordering::SeqCst);
}

fn encode(kind: pb::request::Kind) -> Vec<u8> {
    pb::Request { kind: Some(kind) }.encode_to_vec()
}

fn request(
    client: *mut PlugwireClient,
    kind: pb::request::Kind,
    callback: PlugwireCallback,
    user_data: *mut c_void,
) -> PlugwireStatus {
    let bytes = encode(kind);
    unsafe { plugwire_client_request(client, bytes.as_ptr(), bytes.len(), callback, user_data) }
}

fn connect_embedded() -> pb::request::Kind {
    pb::request::Kind::ConnectEmbedded(pb::ConnectEmbedded {
        simulated_devices: vec![pb::SimulatedDevice {
            name: "LVS-Lush".into(),
            ..Default::default()
        }],
        default_gap: Some(pb::connect_embedded::DefaultGap::DefaultMessageGapMs(0)),
        ..Default::default()
    })
}

/// A connected client whose event and reply callbacks all report to `w`.
fn connected(w: &Arc<Witness>, callback: PlugwireCallback) -> *mut PlugwireClient {
    let ctx = Arc::as_ptr(w) as *mut c_void;
    let mut raw = ptr::null_mut();
    assert_eq!(
        unsafe { plugwire_client_new(callback, ctx, &mut raw) },
        PlugwireStatus::Ok
    );
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    unsafe extern "C" fn done(user_data: *mut c_void, data: *const u8, len: usize) {
        let tx = unsafe { Box::from_raw(user_data as *mut std::sync::mpsc::Sender<Vec<u8>>) };
        let _ = tx.send(unsafe { std::slice::from_raw_parts(data, len) }.to_vec());
    }
    let once = Box::into_raw(Box::new(tx)) as *mut c_void;
    assert_eq!(
        request(raw, connect_embedded(), Some(done), once),
        PlugwireStatus::Ok
    );
    let reply = pb::Reply::decode(&rx.recv_timeout(WAIT).unwrap()[..]).unwrap();
    assert!(
        matches!(reply.kind, Some(pb::reply::Kind::Ok(_))),
        "{reply:?}"
    );
    raw
}

/// Fills the client with work: a scan (events) and `n` pings whose replies go to
/// `callback`.
fn flood(raw: *mut PlugwireClient, w: &Arc<Witness>, n: usize, callback: PlugwireCallback) {
    let ctx = Arc::as_ptr(w) as *mut c_void;
    assert_eq!(
        request(
            raw,
            pb::request::Kind::StartScanning(pb::StartScanning {}),
            callback,
            ctx
        ),
        PlugwireStatus::Ok
    );
    for _ in 0..n {
        assert_eq!(
            request(raw, pb::request::Kind::Ping(pb::Ping {}), callback, ctx),
            PlugwireStatus::Ok
        );
    }
}

fn wait_closed(w: &Witness) {
    let deadline = Instant::now() + WAIT;
    while !w.closed.load(Ordering::SeqCst) {
        assert!(Instant::now() < deadline, "on_closed was not called");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// After on_closed: nothing more, ever (checked for a while), and on_closed ran once
/// with no callback running.
fn assert_quiet_after_close(w: &Witness) {
    let seen = w.callbacks.load(Ordering::SeqCst);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        w.callbacks.load(Ordering::SeqCst),
        seen,
        "a callback after on_closed"
    );
    assert_eq!(w.after_close.load(Ordering::SeqCst), 0);
    assert_eq!(w.closed_calls.load(Ordering::SeqCst), 1);
    assert!(
        !w.overlapped.load(Ordering::SeqCst),
        "on_closed ran while a callback was running"
    );
}

#[test]
fn close_returns_at_once_and_its_callback_is_the_last_with_work_in_flight() {
    for round in 0..20 {
        let w = Arc::new(Witness::default());
        let raw = connected(&w, Some(on_callback));
        flood(raw, &w, 2_000, Some(on_callback));
        // Let some replies flow so callbacks are running at the close.
        std::thread::sleep(Duration::from_millis(round % 5));
        let started = Instant::now();
        let status =
            unsafe { plugwire_client_close(raw, Some(on_closed), Arc::as_ptr(&w) as *mut c_void) };
        let took = started.elapsed();
        assert_eq!(status, PlugwireStatus::Ok);
        // It does not wait for the disconnect, the callbacks or the thread.
        assert!(took < Duration::from_millis(200), "close took {took:?}");
        wait_closed(&w);
        assert_quiet_after_close(&w);
    }
}

#[test]
fn close_from_inside_the_clients_own_callback() {
    let w = Arc::new(Witness::default());
    let raw = connected(&w, Some(close_from_inside));
    *w.handle.lock().unwrap() = Some(raw as usize);
    // The first reply (or event) to arrive closes the client.
    flood(raw, &w, 200, Some(close_from_inside));
    w.sent.store(true, Ordering::SeqCst);
    wait_closed(&w);
    assert_quiet_after_close(&w);
    assert!(
        w.callbacks.load(Ordering::SeqCst) < 200,
        "replies were in flight at the close, and never answered"
    );
    let took = w.close_from_callback_returned_in.lock().unwrap().unwrap();
    assert!(took < Duration::from_millis(200), "close took {took:?}");
}

#[test]
fn a_blocked_next_event_returns_before_on_closed_and_null_is_harmless() {
    assert_eq!(
        unsafe { plugwire_client_close(ptr::null_mut(), Some(on_closed), ptr::null_mut()) },
        PlugwireStatus::Ok
    );
    let w = Arc::new(Witness::default());
    // Pull mode: no event callback.
    let raw = connected(&w, None);
    let returned = Arc::new(AtomicBool::new(false));
    let waiter = {
        let (raw, returned, w) = (raw as usize, returned.clone(), w.clone());
        std::thread::spawn(move || {
            // Take what is queued, then block.
            loop {
                let mut data = ptr::null_mut();
                let mut len = 0usize;
                let status = unsafe {
                    plugwire_client_next_event(
                        raw as *const PlugwireClient,
                        10_000,
                        &mut data,
                        &mut len,
                    )
                };
                if status == PlugwireStatus::Ok {
                    unsafe { plugwire_buffer_free(data, len) };
                    continue;
                }
                assert_eq!(status, PlugwireStatus::ClientClosed);
                assert!(
                    !w.closed.load(Ordering::SeqCst),
                    "on_closed before next_event returned"
                );
                returned.store(true, Ordering::SeqCst);
                return;
            }
        })
    };
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(
        unsafe { plugwire_client_close(raw, Some(on_closed), Arc::as_ptr(&w) as *mut c_void) },
        PlugwireStatus::Ok
    );
    wait_closed(&w);
    assert!(returned.load(Ordering::SeqCst));
    waiter.join().unwrap();
    assert_eq!(w.closed_calls.load(Ordering::SeqCst), 1);
}

/// One `next_event` call at timeout 0, as a host pulling on a timer makes it.
fn pull_once(raw: *mut PlugwireClient) {
    let mut data = ptr::null_mut();
    let mut len = 0usize;
    let status = unsafe { plugwire_client_next_event(raw, 0, &mut data, &mut len) };
    if status == PlugwireStatus::Ok {
        unsafe { plugwire_buffer_free(data, len) };
    }
}

#[test]
fn a_host_that_stops_pulling_for_longer_than_it_said_loses_its_client() {
    let w = Arc::new(Witness::default());
    let raw = connected(&w, None);
    // Out of range, NULL: refused by name, nothing changes.
    for bad in [1, 99, 3_600_001] {
        assert_eq!(
            unsafe { plugwire_client_abandon_when_idle(raw, bad) },
            PlugwireStatus::InvalidArgument
        );
    }
    assert_eq!(
        unsafe { plugwire_client_abandon_when_idle(ptr::null(), 200) },
        PlugwireStatus::NullArgument
    );
    let ping = || {
        request(
            raw,
            pb::request::Kind::Ping(pb::Ping {}),
            None,
            ptr::null_mut(),
        )
    };
    assert_eq!(
        unsafe { plugwire_client_abandon_when_idle(raw, 200) },
        PlugwireStatus::Ok
    );
    // Pulling every 20 ms keeps it: well past the idle time, requests still go out.
    let until = Instant::now() + Duration::from_millis(800);
    while Instant::now() < until {
        pull_once(raw);
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(ping(), PlugwireStatus::Ok);
    // Turned off, a quiet host keeps its client too.
    assert_eq!(
        unsafe { plugwire_client_abandon_when_idle(raw, 0) },
        PlugwireStatus::Ok
    );
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(ping(), PlugwireStatus::Ok);
    // On again, then no pull: the host is taken for gone and the client abandoned.
    assert_eq!(
        unsafe { plugwire_client_abandon_when_idle(raw, 200) },
        PlugwireStatus::Ok
    );
    let deadline = Instant::now() + WAIT;
    while ping() == PlugwireStatus::Ok {
        assert!(
            Instant::now() < deadline,
            "still open after the host went quiet"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(ping(), PlugwireStatus::ClientClosed);
    assert_eq!(
        unsafe { plugwire_client_abandon_when_idle(raw, 200) },
        PlugwireStatus::ClientClosed
    );
    assert_eq!(unsafe { plugwire_client_free(raw) }, PlugwireStatus::Ok);
}
