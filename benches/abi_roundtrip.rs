//! Round trip through the C ABI: encoded request -> reply callback, for a command that
//! reaches a simulated device (p50/p99), and event throughput to a push callback.
//! Run with `cargo bench --bench abi_roundtrip`.

use std::os::raw::c_void;
use std::ptr;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use plugwire::ffi::*;
use plugwire::proto as pb;
use prost::Message;

struct Inbox(mpsc::Sender<Vec<u8>>);

unsafe extern "C" fn to_inbox(user_data: *mut c_void, data: *const u8, len: usize) {
    let inbox = unsafe { &*(user_data as *const Inbox) };
    let _ = inbox
        .0
        .send(unsafe { std::slice::from_raw_parts(data, len) }.to_vec());
}

fn request(client: *mut PlugwireClient, kind: pb::request::Kind, inbox: &Inbox) {
    let bytes = pb::Request { kind: Some(kind) }.encode_to_vec();
    let status = unsafe {
        plugwire_client_request(
            client,
            bytes.as_ptr(),
            bytes.len(),
            Some(to_inbox),
            inbox as *const Inbox as *mut c_void,
        )
    };
    assert_eq!(status, PlugwireStatus::Ok);
}

fn connect(
    client: *mut PlugwireClient,
    devices: usize,
    inbox: &Inbox,
    rx: &mpsc::Receiver<Vec<u8>>,
) {
    request(
        client,
        pb::request::Kind::ConnectEmbedded(pb::ConnectEmbedded {
            simulated_devices: (0..devices)
                .map(|i| pb::SimulatedDevice {
                    name: "LVS-Lush".into(),
                    address: format!("BE:EF:00:00:{:02X}:{:02X}", i >> 8, i & 0xff),
                    ..Default::default()
                })
                .collect(),
            default_gap: Some(pb::connect_embedded::DefaultGap::DefaultMessageGapMs(0)),
            ..Default::default()
        }),
        inbox,
    );
    rx.recv_timeout(Duration::from_secs(30)).expect("connected");
}

fn main() {
    // Round trip latency.
    let (tx, rx) = mpsc::channel();
    let replies = Box::new(Inbox(tx));
    let (etx, erx) = mpsc::channel();
    let events = Box::new(Inbox(etx));
    let mut client = ptr::null_mut();
    let status = unsafe {
        plugwire_client_new(
            Some(to_inbox),
            &*events as *const Inbox as *mut c_void,
            &mut client,
        )
    };
    assert_eq!(status, PlugwireStatus::Ok);
    connect(client, 1, &replies, &rx);
    request(
        client,
        pb::request::Kind::StartScanning(pb::StartScanning {}),
        &replies,
    );
    rx.recv().expect("scan ok");
    // The toy added (simulated toys never finish a scan).
    loop {
        let e = pb::Event::decode(&erx.recv().expect("event")[..]).expect("event decodes");
        if matches!(e.kind, Some(pb::event::Kind::DeviceAdded(_))) {
            break;
        }
    }
    let bodies: Vec<Vec<u8>> = (1..=20)
        .map(|s| {
            pb::Request {
                kind: Some(pb::request::Kind::DeviceOutput(pb::DeviceOutput {
                    device_index: 0,
                    feature_index: 0,
                    output: pb::OutputType::Vibrate as i32,
                    value: Some(pb::device_output::Value::Steps(s)),
                    duration: None,
                })),
            }
            .encode_to_vec()
        })
        .collect();
    let mut times = Vec::new();
    for i in 0..21_000 {
        let body = &bodies[i % bodies.len()];
        let start = Instant::now();
        let status = unsafe {
            plugwire_client_request(
                client,
                body.as_ptr(),
                body.len(),
                Some(to_inbox),
                &*replies as *const Inbox as *mut c_void,
            )
        };
        assert_eq!(status, PlugwireStatus::Ok);
        rx.recv().expect("reply");
        if i >= 1000 {
            times.push(start.elapsed());
        }
    }
    times.sort();
    let pct = |p: f64| times[((times.len() - 1) as f64 * p) as usize].as_secs_f64() * 1e6;
    println!(
        "ABI round trip (request -> simulated write -> reply callback): p50 {:.1} us, p99 {:.1} us",
        pct(0.5),
        pct(0.99)
    );
    unsafe { plugwire_client_free(client) };

    // Event throughput: DeviceAdded events for many simulated toys found by one scan.
    let (tx, rx) = mpsc::channel();
    let replies = Box::new(Inbox(tx));
    let (etx, erx) = mpsc::channel();
    let events = Box::new(Inbox(etx));
    let mut client = ptr::null_mut();
    unsafe {
        plugwire_client_new(
            Some(to_inbox),
            &*events as *const Inbox as *mut c_void,
            &mut client,
        )
    };
    let devices = 2000;
    connect(client, devices, &replies, &rx);
    let start = Instant::now();
    request(
        client,
        pb::request::Kind::StartScanning(pb::StartScanning {}),
        &replies,
    );
    let mut count = 0;
    let mut added = 0;
    // Until every toy was added (simulated toys never finish a scan).
    while added < devices {
        let bytes = erx
            .recv_timeout(std::time::Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("only {added} of {devices} toys added after 30 s"));
        let e = pb::Event::decode(&bytes[..]).expect("event decodes");
        if let Some(pb::event::Kind::Error(error)) = &e.kind {
            panic!("after {added} toys added: {}", error.message);
        }
        count += 1;
        if matches!(e.kind, Some(pb::event::Kind::DeviceAdded(_))) {
            added += 1;
        }
    }
    let elapsed = start.elapsed();
    println!(
        "ABI events: {count} events (connecting {devices} simulated toys) in {:.0} ms = {:.0} events/s",
        elapsed.as_secs_f64() * 1e3,
        count as f64 / elapsed.as_secs_f64()
    );
    unsafe { plugwire_client_free(client) };
}
