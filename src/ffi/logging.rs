//! Log forwarding: the library's `tracing` output goes to a C callback whose level (and the
//! callback itself) can be changed at any time, any number of times.
//!
//! Records are formatted where they happen and handed to one dedicated thread through a
//! bounded queue (`QUEUE_LIMIT`); when the queue is full, records are dropped and counted,
//! and the callback is told how many before the next record. So a slow callback never
//! stalls device I/O, and the callback never runs on a runtime thread or under a caller's
//! lock: it may call any plugwire function, including `plugwire_client_free` and
//! `plugwire_shutdown`.
//!
//! Quiescence: `set_callback` returns only once the previous callback is not running and
//! can no longer be called (unless it is called from inside that callback), so the host may
//! free the old `user_data` right away. The thread runs only while a callback is set.
//!
//! The pulled queue (`set_queue`, `next_record`) is the other way out, for hosts that must
//! never be called from a library thread (Node): records wait in a second bounded queue of
//! the same size until the host takes them on a thread of its own. When it is full, the
//! oldest record makes room and is counted; the count reaches the host as a WARN record
//! before the oldest record kept. Both ways may be on at once; each gets every record.

use std::collections::VecDeque;
use std::ffi::CString;
use std::os::raw::{c_char, c_void};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, Once};
use std::thread::JoinHandle;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// Log levels, most severe first. `Off` silences the callback. The functions that take a
/// level take it as an integer (`uint32_t`) and refuse values outside 0..=5.
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PlugwireLogLevel {
    Off = 0,
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
    Trace = 5,
}

impl PlugwireLogLevel {
    /// The level of an integer from C, if it names one.
    pub(crate) fn from_u32(v: u32) -> Option<PlugwireLogLevel> {
        Some(match v {
            0 => PlugwireLogLevel::Off,
            1 => PlugwireLogLevel::Error,
            2 => PlugwireLogLevel::Warn,
            3 => PlugwireLogLevel::Info,
            4 => PlugwireLogLevel::Debug,
            5 => PlugwireLogLevel::Trace,
            _ => return None,
        })
    }
}

/// `void (*)(void *user_data, PlugwireLogLevel level, const char *message)`; the message is
/// NUL-terminated UTF-8, borrowed for the call.
pub type PlugwireLogCallback = Option<
    unsafe extern "C" fn(user_data: *mut c_void, level: PlugwireLogLevel, message: *const c_char),
>;

#[derive(Copy, Clone)]
struct Sink {
    func: unsafe extern "C" fn(*mut c_void, PlugwireLogLevel, *const c_char),
    user_data: *mut c_void,
}

// SAFETY: the API contract requires user_data to be usable from the library's log thread.
unsafe impl Send for Sink {}

/// Records waiting for the log thread before further ones are dropped (and counted).
const QUEUE_LIMIT: usize = 1024;

struct State {
    sink: Option<Sink>,
    queue: VecDeque<(PlugwireLogLevel, CString)>,
    dropped: u64,
    /// Bumped whenever the sink changes.
    generation: u64,
    /// The log thread is inside the callback of this generation.
    busy: Option<u64>,
    /// Bumped when the log thread is let go; a thread of an older epoch ends.
    epoch: u64,
    thread: Option<JoinHandle<()>>,
    /// The pulled queue, while on.
    pulled: Option<Pulled>,
}

/// Records waiting for the host to pull them (`plugwire_log_next`).
#[derive(Default)]
struct Pulled {
    records: VecDeque<(PlugwireLogLevel, CString)>,
    /// Oldest records pushed out since the host last pulled.
    dropped: u64,
}

impl Pulled {
    /// Queues a record; when the queue is full the oldest record makes room and is counted,
    /// so a host that pulls late still gets the newest records.
    fn push(&mut self, level: PlugwireLogLevel, text: CString) {
        if self.records.len() >= QUEUE_LIMIT {
            self.records.pop_front();
            self.dropped += 1;
        }
        self.records.push_back((level, text));
    }

    /// The next record for the host: the count of records lost first (as a WARN notice,
    /// where they were lost: before the oldest survivor), then the oldest record.
    fn pop(&mut self) -> Option<(PlugwireLogLevel, CString)> {
        if self.dropped > 0 {
            let n = std::mem::take(&mut self.dropped);
            return Some(dropped_notice(n, "the log queue was not pulled in time"));
        }
        self.records.pop_front()
    }
}

/// The WARN record that stands for `n` records lost.
fn dropped_notice(n: u64, why: &str) -> (PlugwireLogLevel, CString) {
    let text = format!("plugwire: {n} log records were dropped: {why}");
    (
        PlugwireLogLevel::Warn,
        CString::new(text).unwrap_or_default(),
    )
}

static STATE: Mutex<State> = Mutex::new(State {
    sink: None,
    queue: VecDeque::new(),
    dropped: 0,
    generation: 0,
    busy: None,
    epoch: 0,
    thread: None,
    pulled: None,
});
/// Signalled when a record is queued, the sink changes, or the callback returns.
static CHANGED: Condvar = Condvar::new();
/// Signalled when a record is queued for pulling, or the pulled queue is turned off.
static PULLABLE: Condvar = Condvar::new();
static LEVEL: AtomicU8 = AtomicU8::new(PlugwireLogLevel::Off as u8);
static INSTALL: Once = Once::new();

fn state() -> MutexGuard<'static, State> {
    STATE.lock().unwrap_or_else(|e| e.into_inner())
}

fn level_of(l: &Level) -> PlugwireLogLevel {
    match *l {
        Level::ERROR => PlugwireLogLevel::Error,
        Level::WARN => PlugwireLogLevel::Warn,
        Level::INFO => PlugwireLogLevel::Info,
        Level::DEBUG => PlugwireLogLevel::Debug,
        Level::TRACE => PlugwireLogLevel::Trace,
    }
}

struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        use std::fmt::Write;
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }
}

struct CallbackLayer;

impl<S: Subscriber> Layer<S> for CallbackLayer {
    // The level changes at run time: ask for every event rather than caching an answer,
    // and skip a disabled record before its arguments are formatted.
    fn register_callsite(
        &self,
        _metadata: &'static tracing::Metadata<'static>,
    ) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::sometimes()
    }

    fn enabled(&self, metadata: &tracing::Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        level_of(metadata.level()) as u8 <= LEVEL.load(Ordering::Relaxed)
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let level = level_of(event.metadata().level());
        if level as u8 > LEVEL.load(Ordering::Relaxed) {
            return;
        }
        let mut message = Message(format!("{}: ", event.metadata().target()));
        event.record(&mut message);
        message.0.retain(|c| c != '\0');
        let Ok(text) = CString::new(message.0) else {
            return;
        };
        let mut s = state();
        if let Some(pulled) = s.pulled.as_mut() {
            pulled.push(level, text.clone());
            PULLABLE.notify_all();
        }
        if s.sink.is_none() {
            return;
        }
        if s.queue.len() >= QUEUE_LIMIT {
            s.dropped += 1;
            return;
        }
        s.queue.push_back((level, text));
        CHANGED.notify_all();
    }
}

thread_local! {
    /// Set on log threads: a call from inside the callback must not wait for itself.
    static ON_LOG_THREAD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The log thread: delivers queued records to the current sink, one at a time, until the
/// sink is removed.
fn deliver(epoch: u64) {
    ON_LOG_THREAD.with(|t| t.set(true));
    let mut s = state();
    loop {
        // A thread replaced (its callback removed) ends even if a new callback was set
        // since: the new one gets a thread of its own, so records stay one at a time.
        if s.epoch != epoch {
            return;
        }
        let Some(sink) = s.sink else { return };
        let record = if s.dropped > 0 {
            let n = std::mem::take(&mut s.dropped);
            Some(dropped_notice(n, "the log callback did not keep up"))
        } else {
            s.queue.pop_front()
        };
        let Some((level, text)) = record else {
            s = CHANGED.wait(s).unwrap_or_else(|e| e.into_inner());
            continue;
        };
        // The sink is read under the lock, and `busy` set before the lock is released: a
        // `set_callback` that swapped the sink waits for `busy` to clear.
        s.busy = Some(s.generation);
        drop(s);
        // SAFETY: the host registered this function and user_data and keeps them valid
        // until set_callback replaced them, which waits for this call to return.
        unsafe { (sink.func)(sink.user_data, level, text.as_ptr()) };
        s = state();
        s.busy = None;
        CHANGED.notify_all();
    }
}

fn install() {
    INSTALL.call_once(|| {
        let subscriber = tracing_subscriber::registry().with(CallbackLayer);
        // If the host process already installed a subscriber, ours stays inactive.
        let _ = tracing::subscriber::set_global_default(subscriber);
    });
}

/// Replaces the callback (None removes it) and sets the level. Returns once the old
/// callback is not running, unless called from inside it. Errors: the log thread could
/// not be started.
pub(crate) fn set_callback(
    callback: PlugwireLogCallback,
    user_data: *mut c_void,
    level: PlugwireLogLevel,
) -> Result<(), String> {
    install();
    let on_log_thread = ON_LOG_THREAD.with(|t| t.get());
    let mut s = state();
    s.sink = callback.map(|func| Sink { func, user_data });
    s.generation += 1;
    let generation = s.generation;
    LEVEL.store(level as u8, Ordering::Relaxed);
    CHANGED.notify_all();
    if s.sink.is_none() {
        s.queue.clear();
        s.dropped = 0;
        // Let the thread go: it ends at its next turn. Wait for a running callback and
        // join the thread, unless this is that callback.
        s.epoch += 1;
        let thread = s.thread.take();
        if !on_log_thread {
            while s.busy.is_some() {
                s = CHANGED.wait(s).unwrap_or_else(|e| e.into_inner());
            }
            drop(s);
            if let Some(thread) = thread {
                let _ = thread.join();
            }
        }
        return Ok(());
    }
    if s.thread.is_none() {
        let epoch = s.epoch;
        let thread = std::thread::Builder::new()
            .name("plugwire-log".into())
            .spawn(move || deliver(epoch))
            .map_err(|e| format!("cannot start the log thread: {e}"))?;
        s.thread = Some(thread);
    }
    // Wait for a call to an older callback to return, unless this is that call.
    if !on_log_thread {
        while s.busy.is_some_and(|g| g != generation) {
            s = CHANGED.wait(s).unwrap_or_else(|e| e.into_inner());
        }
    }
    Ok(())
}

pub(crate) fn set_level(level: PlugwireLogLevel) {
    LEVEL.store(level as u8, Ordering::Relaxed);
}

/// Turns the pulled queue on at `level` (the library's one log level, shared with the
/// callback), or off with `Off` (records waiting are discarded, waiting pullers woken).
pub(crate) fn set_queue(level: PlugwireLogLevel) {
    install();
    let mut s = state();
    if level == PlugwireLogLevel::Off {
        s.pulled = None;
    } else {
        s.pulled.get_or_insert_with(Pulled::default);
        LEVEL.store(level as u8, Ordering::Relaxed);
    }
    PULLABLE.notify_all();
}

/// Why `next_record` has nothing.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum NoRecord {
    /// None arrived within the timeout.
    Timeout,
    /// The pulled queue is off (or was turned off while waiting).
    Off,
}

/// Takes the oldest pulled record, waiting up to `timeout` for one.
pub(crate) fn next_record(
    timeout: std::time::Duration,
) -> Result<(PlugwireLogLevel, CString), NoRecord> {
    let deadline = std::time::Instant::now() + timeout;
    let mut s = state();
    loop {
        let Some(pulled) = s.pulled.as_mut() else {
            return Err(NoRecord::Off);
        };
        if let Some(record) = pulled.pop() {
            return Ok(record);
        }
        let now = std::time::Instant::now();
        if now >= deadline {
            return Err(NoRecord::Timeout);
        }
        s = PULLABLE
            .wait_timeout(s, deadline - now)
            .unwrap_or_else(|e| e.into_inner())
            .0;
    }
}
