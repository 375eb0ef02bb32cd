//! The C ABI exercised from Rust: protobuf in, callbacks and pull mode out, bad input,
//! NULLs, concurrency, and freeing with requests in flight or from inside a callback.

use std::os::raw::c_void;
use std::ptr;
use std::sync::mpsc;
use std::time::Duration;

use plugwire::ffi::*;
use plugwire::proto as pb;
use prost::Message;

const WAIT: Duration = Duration::from_secs(10);

/// Callback context: a channel the callback sends copies of its buffers to.
struct Inbox {
    tx: mpsc::Sender<Vec<u8>>,
}

/// Reply callback that owns its context: `user_data` is a boxed Sender made by `once()`,
/// consumed here. (Borrowing a Sender on the requester's stack would let the requester
/// drop it while the callback thread is still inside `send`.)
unsafe extern "C" fn reply_once(user_data: *mut c_void, data: *const u8, len: usize) {
    let tx = unsafe { Box::from_raw(user_data as *mut mpsc::Sender<Vec<u8>>) };
    let _ = tx.send(unsafe { std::slice::from_raw_parts(data, len) }.to_vec());
}

fn once(tx: &mpsc::Sender<Vec<u8>>) -> *mut c_void {
    Box::into_raw(Box::new(tx.clone())) as *mut c_void
}

unsafe extern "C" fn to_inbox(user_data: *mut c_void, data: *const u8, len: usize) {
    let inbox = unsafe { &*(user_data as *const Inbox) };
    let bytes = unsafe { std::slice::from_raw_parts(data, len) }.to_vec();
    let _ = inbox.tx.send(bytes);
}

struct Client {
    raw: *mut PlugwireClient,
    events: Option<(Box<Inbox>, mpsc::Receiver<Vec<u8>>)>,
    /// Simulated toys of the last connect, which a scan waits for.
    toys: std::cell::Cell<usize>,
}

impl Client {
    fn push() -> Client {
        let (tx, rx) = mpsc::channel();
        let inbox = Box::new(Inbox { tx });
        let mut raw = ptr::null_mut();
        let status = unsafe {
            plugwire_client_new(
                Some(to_inbox),
                &*inbox as *const Inbox as *mut c_void,
                &mut raw,
            )
        };
        assert_eq!(status, PlugwireStatus::Ok);
        Client {
            raw,
            events: Some((inbox, rx)),
            toys: Default::default(),
        }
    }

    fn pull() -> Client {
        let mut raw = ptr::null_mut();
        assert_eq!(
            unsafe { plugwire_client_new(None, ptr::null_mut(), &mut raw) },
            PlugwireStatus::Ok
        );
        Client {
            raw,
            events: None,
            toys: Default::default(),
        }
    }

    fn request(&self, kind: pb::request::Kind) -> pb::reply::Kind {
        let bytes = pb::Request { kind: Some(kind) }.encode_to_vec();
        let (tx, rx) = mpsc::channel();
        let status = unsafe {
            plugwire_client_request(
                self.raw,
                bytes.as_ptr(),
                bytes.len(),
                Some(reply_once),
                once(&tx),
            )
        };
        assert_eq!(status, PlugwireStatus::Ok);
        let reply = rx.recv_timeout(WAIT).expect("reply in time");
        pb::Reply::decode(&reply[..])
            .expect("reply decodes")
            .kind
            .expect("reply kind")
    }

    fn ok(&self, kind: pb::request::Kind) {
        let reply = self.request(kind);
        assert!(matches!(reply, pb::reply::Kind::Ok(_)), "{reply:?}");
    }

    fn next_event(&self) -> pb::event::Kind {
        let bytes = match &self.events {
            Some((_, rx)) => rx.recv_timeout(WAIT).expect("event in time"),
            None => {
                let mut buf = ptr::null_mut();
                let mut len = 0usize;
                let status =
                    unsafe { plugwire_client_next_event(self.raw, 10_000, &mut buf, &mut len) };
                assert_eq!(status, PlugwireStatus::Ok);
                let v = unsafe { std::slice::from_raw_parts(buf, len) }.to_vec();
                assert_eq!(
                    unsafe { plugwire_buffer_free(buf, len) },
                    PlugwireStatus::Ok
                );
                v
            }
        };
        pb::Event::decode(&bytes[..])
            .expect("event decodes")
            .kind
            .expect("event kind")
    }

    fn connect(&self, names: &[&str]) {
        self.toys.set(names.len());
        self.ok(pb::request::Kind::ConnectEmbedded(pb::ConnectEmbedded {
            client_name: "ffi test".into(),
            simulated_devices: names
                .iter()
                .enumerate()
                .map(|(i, n)| pb::SimulatedDevice {
                    name: n.to_string(),
                    address: format!("FF:00:00:00:00:{i:02X}"),
                    battery: Some(pb::simulated_device::Battery::BatteryLevel(77)),
                    ..Default::default()
                })
                .collect(),
            default_gap: Some(pb::connect_embedded::DefaultGap::DefaultMessageGapMs(0)),
            ..Default::default()
        }));
    }

    /// Scans and returns the devices added, once every toy of the connect was added
    /// (simulated toys never finish a scan, as in the reference).
    fn scan(&self) -> Vec<pb::Device> {
        self.ok(pb::request::Kind::StartScanning(pb::StartScanning {}));
        let mut added = Vec::new();
        while added.len() < self.toys.get() {
            match self.next_event() {
                pb::event::Kind::DeviceAdded(d) => added.push(d),
                other => panic!("unexpected event {other:?}"),
            }
        }
        added
    }

    fn writes(&self, address: &str) -> Vec<String> {
        match self.request(pb::request::Kind::SimulatedWriteLog(
            pb::SimulatedWriteLog {
                address: address.into(),
                clear: false,
            },
        )) {
            pb::reply::Kind::WriteLog(log) => log
                .records
                .into_iter()
                .filter(|r| r.kind == pb::RecordKind::Write as i32)
                .map(|r| String::from_utf8_lossy(&r.data).into_owned())
                .filter(|w| w != "DeviceType;")
                .collect(),
            other => panic!("{other:?}"),
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        assert_eq!(
            unsafe { plugwire_client_free(self.raw) },
            PlugwireStatus::Ok
        );
    }
}

fn vibrate(device: u32, fraction: f64) -> pb::request::Kind {
    pb::request::Kind::DeviceOutput(pb::DeviceOutput {
        device_index: device,
        feature_index: 0,
        output: pb::OutputType::Vibrate as i32,
        value: Some(pb::device_output::Value::Fraction(fraction)),
        duration: None,
    })
}

#[test]
fn version_accessors() {
    let v = unsafe { std::ffi::CStr::from_ptr(plugwire_version()) };
    assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    assert_eq!(plugwire_abi_version(), PLUGWIRE_ABI_VERSION);
}

#[test]
fn connect_scan_vibrate_read_battery_stop() {
    let c = Client::push();
    c.connect(&["LVS-Nora"]);
    let devices = c.scan();
    assert_eq!(devices.len(), 1);
    let nora = &devices[0];
    assert_eq!(nora.name, "Lovense Nora");
    assert_eq!(
        nora.features[1].outputs[0].r#type,
        pb::OutputType::Rotate as i32
    );
    assert_eq!(
        (
            nora.features[1].outputs[0].min,
            nora.features[1].outputs[0].max
        ),
        (-20, 20)
    );
    c.ok(vibrate(nora.index, 0.5));
    c.ok(pb::request::Kind::DeviceOutput(pb::DeviceOutput {
        device_index: nora.index,
        feature_index: 1,
        output: pb::OutputType::Rotate as i32,
        value: Some(pb::device_output::Value::Steps(-4)),
        duration: None,
    }));
    assert_eq!(
        c.writes("FF:00:00:00:00:00"),
        vec!["Vibrate:10;", "RotateChange;", "Rotate:4;"]
    );
    let battery = c.request(pb::request::Kind::DeviceInput(pb::DeviceInput {
        device_index: nora.index,
        feature_index: 2,
        input: pb::InputType::Battery as i32,
        command: pb::InputCommand::Read as i32,
    }));
    assert!(
        matches!(battery, pb::reply::Kind::InputReading(ref r) if r.value == 77),
        "{battery:?}"
    );
    c.ok(pb::request::Kind::StopDevice(pb::StopDevice {
        device_index: nora.index,
        feature: None,
    }));
    // The rotation ran the other way: the stop toggles it back while stopped.
    assert_eq!(
        c.writes("FF:00:00:00:00:00")[3..],
        ["Battery;", "Vibrate:0;", "Rotate:0;", "RotateChange;"]
    );
    let list = c.request(pb::request::Kind::RequestDeviceList(
        pb::RequestDeviceList {},
    ));
    assert!(matches!(list, pb::reply::Kind::DeviceList(ref l) if l.devices.len() == 1));
}

#[test]
fn pull_mode_delivers_events_on_the_callers_thread() {
    let c = Client::pull();
    c.connect(&["LVS-Lush", "LVS-Edge"]);
    let mut names: Vec<String> = c.scan().into_iter().map(|d| d.name).collect();
    names.sort();
    assert_eq!(names, vec!["Lovense Edge", "Lovense Lush"]);
    let mut buf = ptr::null_mut();
    let mut len = 0;
    assert_eq!(
        unsafe { plugwire_client_next_event(c.raw, 20, &mut buf, &mut len) },
        PlugwireStatus::Timeout
    );
    c.ok(pb::request::Kind::SimulatedDrop(pb::SimulatedDrop {
        address: "FF:00:00:00:00:00".into(),
    }));
    assert!(
        matches!(c.next_event(), pb::event::Kind::DeviceRemoved(ref r) if r.name == "Lovense Lush")
    );
}

#[test]
fn errors_come_back_as_error_replies_or_statuses() {
    let c = Client::push();
    // Not connected yet.
    let reply = c.request(pb::request::Kind::StartScanning(pb::StartScanning {}));
    assert!(
        matches!(reply, pb::reply::Kind::Error(ref e) if e.code == pb::ErrorCode::NotConnected as i32),
        "{reply:?}"
    );
    c.connect(&["LVS-Lush"]);
    c.scan();
    let code = |reply: pb::reply::Kind| match reply {
        pb::reply::Kind::Error(e) => pb::ErrorCode::try_from(e.code).unwrap(),
        other => panic!("expected an error, got {other:?}"),
    };
    assert_eq!(
        code(c.request(vibrate(9, 0.5))),
        pb::ErrorCode::UnknownDevice
    );
    assert_eq!(
        code(c.request(vibrate(0, 1.5))),
        pb::ErrorCode::InvalidArgument
    );
    assert_eq!(
        code(c.request(pb::request::Kind::DeviceOutput(pb::DeviceOutput {
            device_index: 0,
            feature_index: 0,
            output: 0,
            value: None,
            duration: None
        }))),
        pb::ErrorCode::InvalidRequest
    );
    assert_eq!(
        code(c.request(pb::request::Kind::DeviceInput(pb::DeviceInput {
            device_index: 0,
            feature_index: 0,
            input: pb::InputType::Battery as i32,
            command: pb::InputCommand::Read as i32
        }))),
        pb::ErrorCode::ServerDevice
    );
    assert_eq!(
        code(c.request(pb::request::Kind::Ping(pb::Ping {}))),
        pb::ErrorCode::ServerPing
    );
    assert_eq!(
        code(c.request(pb::request::Kind::ConnectEmbedded(Default::default()))),
        pb::ErrorCode::AlreadyConnected
    );
    assert_eq!(
        code(
            c.request(pb::request::Kind::SimulatedNotify(pb::SimulatedNotify {
                address: "nope".into(),
                endpoint: "rx".into(),
                data: vec![1]
            }))
        ),
        pb::ErrorCode::UnknownDevice
    );
    // Malformed bytes and NULLs are statuses; the client still works afterwards.
    let garbage = [0xFFu8, 0xFF, 0xFF, 0x01];
    let status = unsafe {
        plugwire_client_request(
            c.raw,
            garbage.as_ptr(),
            garbage.len(),
            None,
            ptr::null_mut(),
        )
    };
    assert_eq!(status, PlugwireStatus::InvalidArgument);
    let msg = unsafe { std::ffi::CStr::from_ptr(plugwire_last_error_message()) };
    assert!(msg.to_str().unwrap().contains("not a valid"), "{msg:?}");
    let empty = unsafe { plugwire_client_request(c.raw, ptr::null(), 0, None, ptr::null_mut()) };
    assert_eq!(empty, PlugwireStatus::InvalidArgument);
    assert_eq!(
        unsafe { plugwire_client_request(ptr::null(), garbage.as_ptr(), 4, None, ptr::null_mut()) },
        PlugwireStatus::NullArgument
    );
    assert_eq!(
        unsafe { plugwire_client_request(c.raw, ptr::null(), 4, None, ptr::null_mut()) },
        PlugwireStatus::NullArgument
    );
    assert_eq!(
        unsafe { plugwire_client_new(None, ptr::null_mut(), ptr::null_mut()) },
        PlugwireStatus::NullArgument
    );
    assert_eq!(
        unsafe { plugwire_client_next_event(c.raw, 0, ptr::null_mut(), ptr::null_mut()) },
        PlugwireStatus::NullArgument
    );
    assert_eq!(
        unsafe { plugwire_client_free(ptr::null_mut()) },
        PlugwireStatus::Ok
    );
    assert_eq!(
        unsafe { plugwire_buffer_free(ptr::null_mut(), 0) },
        PlugwireStatus::Ok
    );
    c.ok(vibrate(0, 0.25));
}

#[test]
fn disconnect_stops_devices_and_free_cancels_requests_in_flight() {
    let c = Client::push();
    c.connect(&["LVS-Lush"]);
    c.scan();
    c.ok(vibrate(0, 1.0));
    c.ok(pb::request::Kind::Disconnect(pb::Disconnect {}));
    // The simulated hardware outlives the session: the zero is in its log.
    assert_eq!(
        c.writes("FF:00:00:00:00:00"),
        vec!["Vibrate:20;", "Vibrate:0;"]
    );
    assert!(matches!(
        c.next_event(),
        pb::event::Kind::ServerDisconnected(_)
    ));

    // The same handle can connect again after a disconnect.
    c.connect(&["LVS-Edge"]);
    assert_eq!(c.scan().len(), 1);

    let busy = Client::push();
    busy.connect(&["LVS-Lush"]);
    busy.scan();
    // Requests still in flight when the client is freed either finish first or never
    // call back; the free neither crashes nor hangs.
    let (tx, rx) = mpsc::channel();
    let inbox = Box::new(Inbox { tx });
    for i in 0..200 {
        let bytes = pb::Request {
            kind: Some(vibrate(0, (i % 20) as f64 / 20.0)),
        }
        .encode_to_vec();
        let status = unsafe {
            plugwire_client_request(
                busy.raw,
                bytes.as_ptr(),
                bytes.len(),
                Some(to_inbox),
                &*inbox as *const Inbox as *mut c_void,
            )
        };
        assert_eq!(status, PlugwireStatus::Ok);
    }
    drop(busy);
    let delivered = rx.try_iter().count();
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(
        rx.try_iter().count(),
        0,
        "no callback after free ({delivered} came before)"
    );
}

static FREED_IN_CALLBACK: std::sync::Mutex<Option<mpsc::Sender<()>>> = std::sync::Mutex::new(None);

unsafe extern "C" fn free_self(user_data: *mut c_void, _data: *const u8, _len: usize) {
    let client = user_data as *mut PlugwireClient;
    let status = unsafe { plugwire_client_free(client) };
    assert_eq!(status, PlugwireStatus::Ok);
    if let Some(tx) = FREED_IN_CALLBACK.lock().unwrap().take() {
        let _ = tx.send(());
    }
}

#[test]
fn a_client_can_free_itself_from_its_own_callback() {
    let mut raw = ptr::null_mut();
    assert_eq!(
        unsafe { plugwire_client_new(None, ptr::null_mut(), &mut raw) },
        PlugwireStatus::Ok
    );
    let (tx, rx) = mpsc::channel();
    *FREED_IN_CALLBACK.lock().unwrap() = Some(tx);
    let bytes = pb::Request {
        kind: Some(pb::request::Kind::ConnectEmbedded(pb::ConnectEmbedded {
            simulated: true,
            ..Default::default()
        })),
    }
    .encode_to_vec();
    let status = unsafe {
        plugwire_client_request(
            raw,
            bytes.as_ptr(),
            bytes.len(),
            Some(free_self),
            raw as *mut c_void,
        )
    };
    assert_eq!(status, PlugwireStatus::Ok);
    rx.recv_timeout(WAIT)
        .expect("callback freed its client without deadlock");
}

#[test]
fn requests_from_many_threads_at_once() {
    let c = Client::push();
    c.connect(&["LVS-Lush"]);
    c.scan();
    let raw = c.raw as usize;
    let threads: Vec<_> = (0..4)
        .map(|t| {
            std::thread::spawn(move || {
                let (tx, rx) = mpsc::channel();
                for i in 0..250 {
                    let bytes = pb::Request {
                        kind: Some(vibrate(0, ((i + t) % 20) as f64 / 20.0)),
                    }
                    .encode_to_vec();
                    let status = unsafe {
                        plugwire_client_request(
                            raw as *const PlugwireClient,
                            bytes.as_ptr(),
                            bytes.len(),
                            Some(reply_once),
                            once(&tx),
                        )
                    };
                    assert_eq!(status, PlugwireStatus::Ok);
                }
                for _ in 0..250 {
                    let reply = rx.recv_timeout(WAIT).expect("every request replies");
                    let kind = pb::Reply::decode(&reply[..]).unwrap().kind.unwrap();
                    assert!(matches!(kind, pb::reply::Kind::Ok(_)), "{kind:?}");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

unsafe extern "C" fn log_to_inbox(
    user_data: *mut c_void,
    _level: PlugwireLogLevel,
    message: *const std::os::raw::c_char,
) {
    let inbox = unsafe { &*(user_data as *const Inbox) };
    let text = unsafe { std::ffi::CStr::from_ptr(message) }
        .to_string_lossy()
        .into_owned();
    let _ = inbox.tx.send(text.into_bytes());
}

#[test]
fn the_log_callback_can_be_changed_any_time() {
    let (tx, rx) = mpsc::channel();
    let inbox = Box::leak(Box::new(Inbox { tx }));
    assert_eq!(
        plugwire_set_log_callback(
            Some(log_to_inbox),
            inbox as *mut Inbox as *mut c_void,
            PlugwireLogLevel::Info as u32
        ),
        PlugwireStatus::Ok
    );
    let c = Client::push();
    c.connect(&["LVS-Lush"]);
    c.scan();
    let line = rx.recv_timeout(WAIT).expect("an info line (device added)");
    assert!(!line.is_empty());
    assert_eq!(
        plugwire_set_log_level(PlugwireLogLevel::Off as u32),
        PlugwireStatus::Ok
    );
    // Levels come from C as integers: out of range is refused, not undefined behaviour.
    assert_eq!(plugwire_set_log_level(42), PlugwireStatus::InvalidArgument);
    assert_eq!(
        plugwire_set_log_callback(None, ptr::null_mut(), 6),
        PlugwireStatus::InvalidArgument
    );
    assert_eq!(
        plugwire_set_log_callback(None, ptr::null_mut(), PlugwireLogLevel::Off as u32),
        PlugwireStatus::Ok
    );
}

/// Sends a request without waiting; its reply goes to `tx`.
fn send(c: &Client, kind: pb::request::Kind, tx: &mpsc::Sender<Vec<u8>>) {
    let bytes = pb::Request { kind: Some(kind) }.encode_to_vec();
    let status = unsafe {
        plugwire_client_request(
            c.raw,
            bytes.as_ptr(),
            bytes.len(),
            Some(reply_once),
            once(tx),
        )
    };
    assert_eq!(status, PlugwireStatus::Ok);
}

/// The command path's first promise through the C ABI: an output and then a stop sent back
/// to back from one thread always leave the toy stopped (the stop is never overtaken).
/// Game engines send exactly this fire-and-forget pattern.
#[test]
fn output_then_stop_from_one_thread_always_ends_stopped() {
    let c = Client::push();
    c.connect(&["LVS-Lush"]);
    let lush = c.scan()[0].index;
    let address = "FF:00:00:00:00:00";
    let clear = || {
        c.request(pb::request::Kind::SimulatedWriteLog(
            pb::SimulatedWriteLog {
                address: address.into(),
                clear: true,
            },
        ))
    };
    clear();
    let stop = pb::request::Kind::StopDevice(pb::StopDevice {
        device_index: lush,
        feature: None,
    });
    let (tx, rx) = mpsc::channel();
    // What the toy is doing: the last write it received (a stop that supersedes an
    // output that was never written has nothing to write).
    let mut toy = String::from("Vibrate:0;");
    let mut left_running = 0;
    for i in 0..10_000u32 {
        send(&c, vibrate(lush, f64::from(i % 20 + 1) / 20.0), &tx);
        send(&c, stop.clone(), &tx);
        for _ in 0..2 {
            rx.recv_timeout(WAIT).expect("reply in time");
        }
        let log = match clear() {
            pb::reply::Kind::WriteLog(log) => log,
            other => panic!("{other:?}"),
        };
        if let Some(last) = log.records.last() {
            toy = String::from_utf8_lossy(&last.data).into_owned();
        }
        if toy != "Vibrate:0;" {
            left_running += 1;
        }
    }
    assert_eq!(left_running, 0, "pairs that left the toy running");
}

/// Several outputs of one device in one request reach the protocol as one batch: a
/// Lovehoney Desire with two motors packs equal levels into one packet for both, which it
/// can only do when it sees both changes at once.
#[test]
fn device_outputs_set_several_features_as_one_batch() {
    let c = Client::push();
    c.connect(&["PROSTATE VIBE"]);
    let toy = c.scan()[0].index;
    let entry = |feature: u32, fraction: f64| pb::DeviceOutput {
        feature_index: feature,
        output: pb::OutputType::Vibrate as i32,
        value: Some(pb::device_output::Value::Fraction(fraction)),
        ..Default::default()
    };
    let both = |a: f64, b: f64| {
        pb::request::Kind::DeviceOutputs(pb::DeviceOutputs {
            device_index: toy,
            outputs: vec![entry(0, a), entry(1, b)],
        })
    };
    let packets = || match c.request(pb::request::Kind::SimulatedWriteLog(
        pb::SimulatedWriteLog {
            address: "FF:00:00:00:00:00".into(),
            clear: true,
        },
    )) {
        pb::reply::Kind::WriteLog(log) => log
            .records
            .into_iter()
            .filter(|r| r.kind == pb::RecordKind::Write as i32)
            .map(|r| r.data)
            .collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    packets();
    c.ok(both(0.5, 0.5));
    assert_eq!(packets(), vec![vec![0xF3, 0x00, 0x40]]);
    // One bad entry sends nothing at all.
    let reply = c.request(both(0.1, 7.0));
    assert!(
        matches!(&reply, pb::reply::Kind::Error(e) if e.code == pb::ErrorCode::InvalidArgument as i32),
        "{reply:?}"
    );
    assert_eq!(packets(), Vec::<Vec<u8>>::new());
}

/// Context of a callback that blocks until released, then records event kinds.
struct Gate {
    open: std::sync::Mutex<bool>,
    opened: std::sync::Condvar,
    events: mpsc::Sender<Vec<u8>>,
}

unsafe extern "C" fn gated(user_data: *mut c_void, data: *const u8, len: usize) {
    let gate = unsafe { &*(user_data as *const Gate) };
    let mut open = gate.open.lock().unwrap();
    while !*open {
        open = gate.opened.wait(open).unwrap();
    }
    drop(open);
    let _ = gate
        .events
        .send(unsafe { std::slice::from_raw_parts(data, len) }.to_vec());
}

/// An event callback that does not keep up costs bounded memory: events beyond the bound
/// are dropped and counted, and the host is told how many.
#[test]
fn a_stalled_event_callback_gets_a_dropped_events_notice() {
    let (tx, rx) = mpsc::channel();
    let gate = Box::new(Gate {
        open: std::sync::Mutex::new(false),
        opened: std::sync::Condvar::new(),
        events: tx,
    });
    let mut raw = ptr::null_mut();
    assert_eq!(
        unsafe { plugwire_client_new(Some(gated), &*gate as *const Gate as *mut c_void, &mut raw) },
        PlugwireStatus::Ok
    );
    let c = Client {
        raw,
        events: None,
        toys: Default::default(),
    };
    let toys: Vec<String> = (0..2000).map(|_| "LVS-Lush".to_string()).collect();
    let names: Vec<&str> = toys.iter().map(String::as_str).collect();
    c.connect(&names);
    // Replies share the callback thread with events, so nothing here waits for one while
    // the callback is stuck: the scan is sent fire-and-forget and the toys get time to
    // connect (2,000 simulated toys take well under a second).
    let (reply_tx, _replies) = mpsc::channel();
    send(
        &c,
        pb::request::Kind::StartScanning(pb::StartScanning {}),
        &reply_tx,
    );
    std::thread::sleep(Duration::from_secs(3));
    *gate.open.lock().unwrap() = true;
    gate.opened.notify_all();
    // Every event is either delivered or counted in a notice: 2,000 DeviceAdded (simulated
    // toys never finish a scan). The library held at most its bound for the stuck callback, so
    // (with far more events than the bound while it was stuck) some were dropped.
    let mut delivered = 0u64;
    let mut dropped = 0u64;
    while let Ok(bytes) = rx.recv_timeout(Duration::from_millis(500)) {
        match pb::Event::decode(&bytes[..]).unwrap().kind.unwrap() {
            pb::event::Kind::DeviceAdded(_) => delivered += 1,
            pb::event::Kind::Error(e) if e.code == pb::ErrorCode::EventsDropped as i32 => {
                let n: u64 = e
                    .message
                    .split_whitespace()
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or_else(|| panic!("a count in {:?}", e.message));
                assert!(e.message.contains("events were dropped"), "{}", e.message);
                dropped += n;
            }
            _ => {}
        }
    }
    assert!(dropped > 0, "nothing was dropped ({delivered} delivered)");
    assert_eq!(
        delivered + dropped,
        2000,
        "every event delivered or counted"
    );
    drop(c);
}

fn error_of(reply: pb::reply::Kind) -> pb::Error {
    match reply {
        pb::reply::Kind::Error(e) => e,
        other => panic!("expected an error reply, got {other:?}"),
    }
}

/// One error vocabulary (issue 12) over a remote server: a refused connection is
/// CONNECTION_FAILED with the server's reason, and once the server went away every
/// device request is NOT_CONNECTED, whatever the request.
#[test]
fn a_refused_or_lost_remote_server_is_a_connection_error() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let ws = rt.block_on(async {
        let server = plugwire::ButtplugServer::builder().build().unwrap();
        plugwire::transport::WebsocketServer::start(server, "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap()
    });
    let url = format!("ws://{}", ws.local_addr());
    let connect = |name: &str| {
        pb::request::Kind::ConnectWebsocket(pb::ConnectWebsocket {
            client_name: name.into(),
            url: url.clone(),
            ..Default::default()
        })
    };
    let first = Client::push();
    first.ok(connect("first"));
    let second = Client::push();
    let refused = error_of(second.request(connect("second")));
    assert_eq!(
        refused.code,
        pb::ErrorCode::ConnectionFailed as i32,
        "{refused:?}"
    );
    assert_eq!(refused.category, pb::ErrorCategory::Connection as i32);
    assert!(
        refused.message.contains("another client is connected"),
        "{}",
        refused.message
    );

    rt.block_on(ws.shutdown());
    loop {
        if let pb::event::Kind::ServerDisconnected(_) = first.next_event() {
            break;
        }
    }
    let requests = [
        vibrate(0, 0.5),
        pb::request::Kind::DeviceInput(pb::DeviceInput {
            device_index: 0,
            feature_index: 0,
            input: pb::InputType::Battery as i32,
            command: pb::InputCommand::Read as i32,
        }),
        pb::request::Kind::StopDevice(pb::StopDevice {
            device_index: 0,
            feature: None,
        }),
    ];
    for request in requests {
        let e = error_of(first.request(request));
        assert_eq!(e.code, pb::ErrorCode::NotConnected as i32, "{e:?}");
    }
}

/// Scripted simulated toys through the ABI: an identity for the built-in answers (a
/// firmware-2 Flexer) and a toy spoken for by its script alone (identification, battery).
#[test]
fn scripted_simulated_toys() {
    let c = Client::push();
    let rule = |write: &str, notify: &str| pb::ScriptRule {
        when: Some(pb::script_rule::When::Write(pb::ScriptWrite {
            endpoint: "tx".into(),
            bytes: write.as_bytes().to_vec(),
            prefix: false,
        })),
        then: vec![pb::ScriptAction {
            kind: Some(pb::script_action::Kind::Notify(pb::EndpointBytes {
                endpoint: "rx".into(),
                bytes: notify.as_bytes().to_vec(),
            })),
        }],
    };
    c.ok(pb::request::Kind::ConnectEmbedded(pb::ConnectEmbedded {
        simulated_devices: vec![
            pb::SimulatedDevice {
                name: "LVS-Flexer".into(),
                address: "FF:00:00:00:00:51".into(),
                model: "EI".into(),
                firmware_version: Some(pb::simulated_device::FirmwareVersion::Firmware(2)),
                ..Default::default()
            },
            pb::SimulatedDevice {
                name: "LVS-Mystery".into(),
                address: "FF:00:00:00:00:52".into(),
                no_builtin_responder: true,
                script: vec![
                    rule("DeviceType;", "P:240:0082059AD3BD;"),
                    rule("Battery;", "42;"),
                ],
                ..Default::default()
            },
        ],
        default_gap: Some(pb::connect_embedded::DefaultGap::DefaultMessageGapMs(0)),
        ..Default::default()
    }));
    c.toys.set(2);
    let mut devices = c.scan();
    devices.sort_by_key(|d| d.name.clone());
    let names: Vec<&str> = devices.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        names,
        ["Lovense Edge", "Lovense Flexer (Firmware update needed)"]
    );
    let edge = devices[0].index;
    match c.request(pb::request::Kind::DeviceInput(pb::DeviceInput {
        device_index: edge,
        feature_index: devices[0]
            .features
            .iter()
            .find(|f| !f.inputs.is_empty())
            .unwrap()
            .index,
        input: pb::InputType::Battery as i32,
        command: pb::InputCommand::Read as i32,
    })) {
        pb::reply::Kind::InputReading(r) => assert_eq!(r.value, 42),
        other => panic!("{other:?}"),
    }
    // A rule naming an endpoint that does not exist is refused, naming it.
    let reply = c.request(pb::request::Kind::SimulatedAddDevice(
        pb::SimulatedAddDevice {
            device: Some(pb::SimulatedDevice {
                name: "LVS-Nora".into(),
                script: vec![pb::ScriptRule {
                    when: Some(pb::script_rule::When::Subscribe("nowhere".into())),
                    then: vec![],
                }],
                ..Default::default()
            }),
        },
    ));
    assert!(
        matches!(&reply, pb::reply::Kind::Error(e) if e.message.contains("unknown endpoint \"nowhere\"")),
        "{reply:?}"
    );
}

/// Pull mode keeps at most 1,024 events (README bounds table): the host that takes them
/// late gets the first 1,024, then one `EventsDropped` notice counting the rest.
#[test]
fn pull_mode_keeps_1024_events_then_reports_the_drop() {
    let c = Client::pull();
    let toys: Vec<String> = (0..2000).map(|_| "LVS-Lush".to_string()).collect();
    let names: Vec<&str> = toys.iter().map(String::as_str).collect();
    c.connect(&names);
    c.ok(pb::request::Kind::StartScanning(pb::StartScanning {}));
    std::thread::sleep(Duration::from_secs(3));
    let mut delivered = 0u64;
    let mut notice: Option<(u64, u64)> = None;
    // Until every toy is accounted for (on a loaded machine some connect late), then
    // until the queue stays empty.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let mut buf = ptr::null_mut();
        let mut len = 0usize;
        let status = unsafe { plugwire_client_next_event(c.raw, 500, &mut buf, &mut len) };
        if status == PlugwireStatus::Timeout {
            let dropped = notice.map_or(0, |(_, n)| n);
            if delivered + dropped >= 2000 || std::time::Instant::now() > deadline {
                break;
            }
            continue;
        }
        assert_eq!(status, PlugwireStatus::Ok);
        let bytes = unsafe { std::slice::from_raw_parts(buf, len) }.to_vec();
        unsafe { plugwire_buffer_free(buf, len) };
        match pb::Event::decode(&bytes[..]).unwrap().kind.unwrap() {
            pb::event::Kind::Error(e) if e.code == pb::ErrorCode::EventsDropped as i32 => {
                assert!(notice.is_none(), "one notice");
                let n: u64 = e
                    .message
                    .split_whitespace()
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap();
                notice = Some((delivered, n));
            }
            _ => delivered += 1,
        }
    }
    let (before, dropped) = notice.expect("an EventsDropped notice");
    assert_eq!(
        before, 1024,
        "the queue kept exactly its bound; the notice comes after that backlog"
    );
    assert!(
        delivered + dropped == 2000,
        "every event delivered or counted: {delivered} + {dropped}"
    );
}

/// Reads one pull-mode item, waiting up to `timeout_ms`.
fn pull_one(c: &Client, timeout_ms: u32) -> Option<pb::event::Kind> {
    let mut buf = ptr::null_mut();
    let mut len = 0usize;
    match unsafe { plugwire_client_next_event(c.raw, timeout_ms, &mut buf, &mut len) } {
        PlugwireStatus::Ok => {
            let bytes = unsafe { std::slice::from_raw_parts(buf, len) }.to_vec();
            unsafe { plugwire_buffer_free(buf, len) };
            pb::Event::decode(&bytes[..]).unwrap().kind
        }
        _ => None,
    }
}

fn submit(c: &Client, id: u64, kind: pb::request::Kind) -> PlugwireStatus {
    let bytes = pb::Request { kind: Some(kind) }.encode_to_vec();
    unsafe { plugwire_client_submit(c.raw, bytes.as_ptr(), bytes.len(), id) }
}

/// `plugwire_client_submit`: the reply is queued with the events, carrying the host's id;
/// no library thread calls the host.
#[test]
fn submitted_requests_are_answered_through_the_pull_queue() {
    let c = Client::pull();
    assert_eq!(
        submit(
            &c,
            u64::MAX,
            pb::request::Kind::ConnectEmbedded(pb::ConnectEmbedded {
                simulated: true,
                ..Default::default()
            })
        ),
        PlugwireStatus::Ok
    );
    let next_reply = || match pull_one(&c, 10_000).expect("a reply in time") {
        pb::event::Kind::RequestReply(r) => r,
        other => panic!("expected replies only, got {other:?}"),
    };
    let mut replies = vec![next_reply()];
    // Connected: a request submitted now runs on the connection.
    assert_eq!(
        submit(&c, 7, pb::request::Kind::StopAll(pb::StopAll {})),
        PlugwireStatus::Ok
    );
    replies.push(next_reply());
    assert_eq!(replies[0].request_id, u64::MAX);
    assert_eq!(replies[1].request_id, 7);
    for r in replies {
        let kind = r.reply.and_then(|r| r.kind);
        assert!(matches!(kind, Some(pb::reply::Kind::Ok(_))), "{kind:?}");
    }
    assert_eq!(
        unsafe { plugwire_client_submit(c.raw, ptr::null(), 3, 1) },
        PlugwireStatus::NullArgument
    );
}

/// #23 item 11: Disconnect when not connected answers NOT_CONNECTED, the same every time.
#[test]
fn disconnect_when_not_connected_is_not_connected_every_time() {
    let c = Client::push();
    let disconnect = || pb::request::Kind::Disconnect(pb::Disconnect {});
    let e = error_of(c.request(disconnect()));
    assert_eq!(
        e.code,
        pb::ErrorCode::NotConnected as i32,
        "never connected"
    );
    c.connect(&["LVS-Lush"]);
    c.ok(disconnect());
    for _ in 0..3 {
        let e = error_of(c.request(disconnect()));
        assert_eq!(e.code, pb::ErrorCode::NotConnected as i32, "{e:?}");
    }
}

/// A misspelt simulated toy is refused at connect, naming the name.
#[test]
fn an_unknown_simulated_toy_name_is_refused_naming_it() {
    let c = Client::push();
    let reply = c.request(pb::request::Kind::ConnectEmbedded(pb::ConnectEmbedded {
        simulated_devices: vec![pb::SimulatedDevice {
            name: "NoSuchToy-9".into(),
            ..Default::default()
        }],
        ..Default::default()
    }));
    let e = error_of(reply);
    assert_eq!(e.code, pb::ErrorCode::InvalidArgument as i32, "{e:?}");
    assert!(e.message.contains("NoSuchToy-9"), "{}", e.message);
    let e = error_of(c.request(pb::request::Kind::Ping(pb::Ping {})));
    assert_eq!(e.code, pb::ErrorCode::NotConnected as i32, "not connected");
}

/// The event descriptor wakes the host when something is queued, and closing it (the
/// host died without freeing: a terminated Node worker) abandons the client: the
/// connection is dropped, so the server stops the toy.
#[cfg(unix)]
#[test]
fn closing_the_event_fd_abandons_the_client_and_stops_its_toys() {
    use std::io::Read;
    use std::os::fd::FromRawFd;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let hw = plugwire::hardware::simulated::SimulatedHardware::new();
    let lush = hw.add_device(plugwire::hardware::simulated::SimulatedDeviceSpec {
        name: "LVS-Lush".into(),
        address: "FF:00:00:00:00:01".into(),
        ..Default::default()
    });
    let ws = rt.block_on(async {
        let server = plugwire::ButtplugServer::builder()
            .default_message_gap_ms(0)
            .simulated(hw.clone())
            .build()
            .unwrap();
        plugwire::transport::WebsocketServer::start(server, "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap()
    });
    let c = Client::pull();
    let mut fd = -1;
    assert_eq!(
        unsafe { plugwire_client_event_fd(c.raw, &mut fd) },
        PlugwireStatus::Ok
    );
    assert!(fd >= 0);
    let mut again = -1;
    assert_eq!(
        unsafe { plugwire_client_event_fd(c.raw, &mut again) },
        PlugwireStatus::InvalidArgument,
        "one descriptor per client"
    );
    // SAFETY: the library handed the descriptor over.
    let mut host = unsafe { std::os::unix::net::UnixStream::from_raw_fd(fd) };
    host.set_read_timeout(Some(WAIT)).unwrap();
    assert_eq!(
        submit(
            &c,
            1,
            pb::request::Kind::ConnectWebsocket(pb::ConnectWebsocket {
                client_name: "fd".into(),
                url: format!("ws://{}", ws.local_addr()),
                ..Default::default()
            })
        ),
        PlugwireStatus::Ok
    );
    let mut byte = [0u8; 16];
    assert!(host.read(&mut byte).unwrap() > 0, "the descriptor woke");
    let mut connected = false;
    while let Some(kind) = pull_one(&c, 0) {
        if let pb::event::Kind::RequestReply(r) = kind {
            assert_eq!(r.request_id, 1);
            connected = matches!(r.reply.and_then(|r| r.kind), Some(pb::reply::Kind::Ok(_)));
        }
    }
    assert!(connected, "connected");
    assert_eq!(
        submit(
            &c,
            2,
            pb::request::Kind::StartScanning(pb::StartScanning {})
        ),
        PlugwireStatus::Ok
    );
    let index = loop {
        if let Some(pb::event::Kind::DeviceAdded(d)) = pull_one(&c, 10_000) {
            break d.index;
        }
    };
    assert_eq!(submit(&c, 3, vibrate(index, 0.5)), PlugwireStatus::Ok);
    let deadline = std::time::Instant::now() + WAIT;
    while !texts(&lush).iter().any(|w| w == "Vibrate:10;") {
        assert!(std::time::Instant::now() < deadline, "the toy vibrates");
        std::thread::sleep(Duration::from_millis(10));
    }
    drop(host);
    let deadline = std::time::Instant::now() + WAIT;
    while texts(&lush).last().map(String::as_str) != Some("Vibrate:0;") {
        assert!(
            std::time::Instant::now() < deadline,
            "the toy stopped once the host was gone: {:?}",
            texts(&lush)
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(
        submit(&c, 4, pb::request::Kind::Ping(pb::Ping {})),
        PlugwireStatus::ClientClosed,
        "an abandoned client refuses requests"
    );
    drop(c);
    rt.block_on(ws.shutdown());
}

fn texts(device: &plugwire::hardware::simulated::SimulatedDevice) -> Vec<String> {
    device
        .writes()
        .iter()
        .map(|w| String::from_utf8_lossy(&w.data).into_owned())
        .collect()
}

/// The ABI's Disconnect acts when it is submitted, like every other request: an output
/// sent right after it from the same thread is refused and never reaches the toy.
#[test]
fn an_output_sent_after_disconnect_from_one_thread_never_runs() {
    // A few rounds: the suite's stalled-callback test times 2,000 connects beside it.
    for round in 0..5 {
        let c = Client::push();
        c.connect(&["LVS-Lush"]);
        let lush = c.scan()[0].index;
        let (disconnected_tx, disconnected) = mpsc::channel();
        let (vibrated_tx, vibrated) = mpsc::channel();
        send(
            &c,
            pb::request::Kind::Disconnect(pb::Disconnect {}),
            &disconnected_tx,
        );
        send(&c, vibrate(lush, 0.5), &vibrated_tx);
        let reply = |rx: &mpsc::Receiver<Vec<u8>>| {
            pb::Reply::decode(&rx.recv_timeout(WAIT).expect("reply in time")[..])
                .expect("reply decodes")
                .kind
                .expect("reply kind")
        };
        let disconnect = reply(&disconnected);
        assert!(
            matches!(disconnect, pb::reply::Kind::Ok(_)),
            "{disconnect:?}"
        );
        let output = reply(&vibrated);
        assert!(
            matches!(output, pb::reply::Kind::Error(_)),
            "round {round}: an output sent after Disconnect ran: {output:?}"
        );
    }
}
