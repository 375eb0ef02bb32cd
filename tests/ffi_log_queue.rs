//! The pulled log queue of the C ABI (`plugwire_set_log_queue`, `plugwire_log_next`): for
//! hosts no library thread may call (Node). Its own test binary, since the log state is
//! process-wide and one test drives it step by step.

use std::ptr;
use std::time::{Duration, Instant};

use plugwire::ffi::*;

/// One pulled record, or the status that said why none.
fn pull(timeout_ms: u32) -> Result<(u32, String), PlugwireStatus> {
    let mut level = 0u32;
    let mut buf = ptr::null_mut();
    let mut len = 0usize;
    let status = unsafe { plugwire_log_next(timeout_ms, &mut level, &mut buf, &mut len) };
    if status != PlugwireStatus::Ok {
        return Err(status);
    }
    let text = String::from_utf8(unsafe { std::slice::from_raw_parts(buf, len) }.to_vec()).unwrap();
    assert_eq!(
        unsafe { plugwire_buffer_free(buf, len) },
        PlugwireStatus::Ok
    );
    Ok((level, text))
}

/// Every record waiting, without blocking.
fn drain() -> Vec<(u32, String)> {
    std::iter::from_fn(|| pull(0).ok()).collect()
}

fn ours(records: &[(u32, String)]) -> Vec<String> {
    records
        .iter()
        .filter(|(_, t)| t.starts_with("queue_test:") || t.contains("were dropped"))
        .map(|(_, t)| t.strip_prefix("queue_test: ").unwrap_or(t).to_string())
        .collect()
}

#[test]
fn records_are_pulled_in_order_bounded_with_a_count_of_those_lost() {
    // Off: a clear error, not a silent wait.
    assert_eq!(pull(0), Err(PlugwireStatus::InvalidArgument));
    assert_eq!(plugwire_set_log_queue(6), PlugwireStatus::InvalidArgument);
    assert_eq!(
        pull(0),
        Err(PlugwireStatus::InvalidArgument),
        "a bad level leaves it off"
    );
    let (mut level, mut buf, mut len) = (0u32, ptr::null_mut(), 0usize);
    assert_eq!(
        unsafe { plugwire_log_next(0, ptr::null_mut(), &mut buf, &mut len) },
        PlugwireStatus::NullArgument
    );
    assert_eq!(
        unsafe { plugwire_log_next(0, &mut level, ptr::null_mut(), &mut len) },
        PlugwireStatus::NullArgument
    );

    assert_eq!(
        plugwire_set_log_queue(PlugwireLogLevel::Info as u32),
        PlugwireStatus::Ok
    );
    assert_eq!(pull(0), Err(PlugwireStatus::Timeout));
    tracing::info!(target: "queue_test", "one");
    tracing::debug!(target: "queue_test", "below the level");
    tracing::warn!(target: "queue_test", "two");
    let got = drain();
    assert_eq!(ours(&got), ["one", "two"]);
    let levels: Vec<u32> = got
        .iter()
        .filter(|(_, t)| t.starts_with("queue_test:"))
        .map(|(l, _)| *l)
        .collect();
    assert_eq!(
        levels,
        [PlugwireLogLevel::Info as u32, PlugwireLogLevel::Warn as u32]
    );

    // Nobody pulls: the queue keeps the newest 1024 and counts the oldest it pushed out.
    for i in 0..1034 {
        tracing::info!(target: "queue_test", "r{i}");
    }
    let raw = drain();
    let got = ours(&raw);
    assert_eq!(got.len(), 1 + 1024, "the count, then the records kept");
    assert_eq!(
        got[0],
        "plugwire: 10 log records were dropped: the log queue was not pulled in time"
    );
    assert_eq!(
        raw[0].0,
        PlugwireLogLevel::Warn as u32,
        "the count comes first"
    );
    assert_eq!(got[1], "r10", "the oldest ten made room");
    assert_eq!(got[1024], "r1033", "the newest is kept");
    assert!(
        ours(&drain()).is_empty(),
        "nothing left, and the count is told once"
    );

    // Losses in two bursts between pulls are told as one count, before the survivors.
    for i in 0..1030 {
        tracing::info!(target: "queue_test", "s{i}");
    }
    for i in 0..3 {
        tracing::info!(target: "queue_test", "t{i}");
    }
    let first = pull(0).unwrap();
    assert_eq!(
        first.1,
        "plugwire: 9 log records were dropped: the log queue was not pulled in time"
    );
    let rest = ours(&drain());
    assert_eq!(rest.len(), 1024);
    assert_eq!(rest[0], "s9");
    assert_eq!(rest[1023], "t2");

    // A caller waiting is woken by a record, and by the queue being turned off.
    let waiter = std::thread::spawn(|| pull(20_000));
    std::thread::sleep(Duration::from_millis(100));
    tracing::error!(target: "queue_test", "wake");
    let (level, text) = waiter.join().unwrap().unwrap();
    assert_eq!(level, PlugwireLogLevel::Error as u32);
    assert_eq!(text, "queue_test: wake");
    let started = Instant::now();
    let waiter = std::thread::spawn(|| pull(20_000));
    std::thread::sleep(Duration::from_millis(100));
    tracing::info!(target: "queue_test", "discarded when turned off");
    assert_eq!(plugwire_set_log_queue(0), PlugwireStatus::Ok);
    let woken = waiter.join().unwrap();
    // The record may have been taken before the queue went off; then a later pull says off.
    if woken.is_ok() {
        assert_eq!(pull(0), Err(PlugwireStatus::InvalidArgument));
    } else {
        assert_eq!(woken, Err(PlugwireStatus::InvalidArgument));
    }
    assert!(started.elapsed() < Duration::from_secs(10));
    tracing::info!(target: "queue_test", "while off");
    assert_eq!(
        plugwire_set_log_queue(PlugwireLogLevel::Trace as u32),
        PlugwireStatus::Ok
    );
    assert!(ours(&drain()).is_empty(), "records while off are not kept");
}
