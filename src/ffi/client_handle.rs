//! The client behind a `PlugwireClient` handle: its connection, how its callbacks are
//! delivered, and its pull-mode event queue.
//!
//! Callbacks never run on the runtime's threads: each client has one dispatcher thread
//! that calls its callbacks in order. So a callback may block, call back into the library,
//! or free its own client, without stalling or deadlocking the library.

use std::collections::{HashMap, VecDeque};
use std::os::raw::c_void;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc as std_mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{JoinHandle, ThreadId};
use std::time::{Duration, Instant};

use super::runtime::{self, Lease};
use crate::client::ButtplugClient;
use crate::hardware::simulated::SimulatedHardware;

/// `void (*)(void *user_data, const uint8_t *data, size_t len)`: data is borrowed for the
/// duration of the call.
pub type PlugwireCallback =
    Option<unsafe extern "C" fn(user_data: *mut c_void, data: *const u8, len: usize)>;

/// A C callback and its context pointer. The caller promised (API contract) that the
/// pointer may be used from the library's threads.
#[derive(Copy, Clone)]
pub(crate) struct CCallback {
    func: unsafe extern "C" fn(*mut c_void, *const u8, usize),
    user_data: *mut c_void,
}

// SAFETY: the API contract requires user_data to be usable from any thread, and the
// callback is only ever invoked on one thread at a time (the dispatcher).
unsafe impl Send for CCallback {}
unsafe impl Sync for CCallback {}

impl CCallback {
    pub(crate) fn new(func: PlugwireCallback, user_data: *mut c_void) -> Option<CCallback> {
        func.map(|func| CCallback { func, user_data })
    }

    fn call(&self, data: &[u8]) {
        // SAFETY: the function pointer and user_data come from the caller, who guarantees
        // they are valid until the callback ran or the client was freed. The buffer lives
        // for the duration of the call.
        unsafe { (self.func)(self.user_data, data.as_ptr(), data.len()) }
    }
}

enum Job {
    Call(CCallback, Vec<u8>),
    /// An event for the event callback (counted against EVENT_CALLBACK_LIMIT).
    Event(CCallback, Vec<u8>),
    Stop,
}

/// An open connection: the client (which holds an embedded server alive) and the
/// server's simulated hardware, if any.
pub(crate) struct Connection {
    pub client: ButtplugClient,
    pub simulated: Option<SimulatedHardware>,
    pub forwarder: tokio::task::JoinHandle<()>,
    /// The embedded server (none for a websocket connection): playbacks run in it.
    pub server: Option<Arc<crate::server::ButtplugServer>>,
    /// Running playbacks; dropping the connection stops them.
    pub playbacks: super::playback::Playbacks,
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.forwarder.abort();
    }
}

/// Where closing a client is.
#[derive(Copy, Clone, PartialEq, Eq)]
enum Closing {
    Open,
    /// This thread is closing it.
    By(ThreadId),
    Done,
}

pub(crate) struct ClientCore {
    pub(crate) lease: Mutex<Option<Lease>>,
    event_callback: Option<CCallback>,
    /// Set when closing starts: requests and events are refused from then on.
    closed: AtomicBool,
    closing: Mutex<Closing>,
    closing_done: Condvar,
    /// Callers inside an export that uses this client's handle (e.g. blocked in
    /// `next_event`); `plugwire_client_free` waits for them before releasing the handle.
    calls: Mutex<usize>,
    calls_done: Condvar,
    jobs: Mutex<Option<std_mpsc::Sender<Job>>>,
    dispatcher: Mutex<Option<(JoinHandle<()>, ThreadId)>>,
    queue: Mutex<PullQueue>,
    queue_ready: Condvar,
    /// Replies owed to reply callbacks or to the pull queue (bounded by REPLY_LIMIT).
    replies_owed: AtomicUsize,
    /// The library's end of the event descriptor (`plugwire_client_event_fd`), if taken.
    #[cfg(unix)]
    waker: Mutex<Option<std::os::unix::net::UnixStream>>,
    /// The task that watches the host's end of the event descriptor for its close.
    watcher: Mutex<Option<tokio::task::JoinHandle<()>>>,
    /// When the client was made, and the last `next_event` call (ms after it), for
    /// `abandon_when_idle`.
    born: Instant,
    last_pull_ms: AtomicU64,
    /// The task that abandons the client when the host stops pulling.
    idle_watch: Mutex<Option<tokio::task::JoinHandle<()>>>,
    /// Events handed to the callback thread and not yet delivered.
    events_waiting: AtomicUsize,
    /// Events dropped since the last notice.
    events_dropped: AtomicU64,
    /// Held while connecting, so two connects never race.
    pub(crate) connecting: tokio::sync::Mutex<()>,
    /// The open connection. Requests clone the Arc and release the lock at once, so one
    /// client's requests are submitted in order and run concurrently.
    connection: Mutex<Option<Arc<Connection>>>,
}

use crate::poison::lock;

/// Events kept for pull mode; further ones are dropped (and counted: the host then gets
/// an `ERROR_CODE_EVENTS_DROPPED` event once it has taken the backlog). Replies queued by
/// `plugwire_client_submit` are never dropped: REPLY_LIMIT bounds them.
pub(crate) const QUEUE_LIMIT: usize = 1024;
/// Replies a client may owe at once (requests in flight plus replies waiting for their
/// callback or in the pull queue): a request beyond it is refused at submission with
/// `PLUGWIRE_STATUS_BUSY`.
pub(crate) const REPLY_LIMIT: usize = 65_536;

/// The pull-mode queue: events (bounded) and pull-mode replies, in arrival order.
#[derive(Default)]
struct PullQueue {
    /// (is a reply, encoded Event)
    items: VecDeque<(bool, Vec<u8>)>,
    /// Events (not replies) in `items`.
    events: usize,
    /// Events dropped since the last notice.
    dropped: u64,
}
/// Events waiting for a slow event callback before further ones are dropped (and counted:
/// the callback then gets an `ERROR_CODE_EVENTS_DROPPED` event).
const EVENT_CALLBACK_LIMIT: usize = 1024;

impl ClientCore {
    pub(crate) fn new(event_callback: Option<CCallback>) -> Result<Arc<ClientCore>, String> {
        let (tx, rx) = std_mpsc::channel::<Job>();
        let core = Arc::new(ClientCore {
            lease: Mutex::new(None),
            event_callback,
            closed: AtomicBool::new(false),
            closing: Mutex::new(Closing::Open),
            closing_done: Condvar::new(),
            calls: Mutex::new(0),
            calls_done: Condvar::new(),
            jobs: Mutex::new(Some(tx)),
            dispatcher: Mutex::new(None),
            queue: Mutex::new(PullQueue::default()),
            queue_ready: Condvar::new(),
            replies_owed: AtomicUsize::new(0),
            #[cfg(unix)]
            waker: Mutex::new(None),
            watcher: Mutex::new(None),
            born: Instant::now(),
            last_pull_ms: AtomicU64::new(0),
            idle_watch: Mutex::new(None),
            events_waiting: AtomicUsize::new(0),
            events_dropped: AtomicU64::new(0),
            connecting: tokio::sync::Mutex::new(()),
            connection: Mutex::new(None),
        });
        let weak = Arc::downgrade(&core);
        let address = Arc::as_ptr(&core) as usize;
        let thread = std::thread::Builder::new()
            .name("plugwire-callbacks".into())
            .spawn(move || {
                DISPATCHER_OF.with(|d| d.set(Some(address)));
                for job in rx {
                    let Some(core) = weak.upgrade() else { return };
                    if core.closed.load(Ordering::Acquire) {
                        return;
                    }
                    drop(core);
                    match job {
                        Job::Call(cb, data) => {
                            cb.call(&data);
                            if let Some(core) = weak.upgrade() {
                                core.replies_owed.fetch_sub(1, Ordering::AcqRel);
                            }
                        }
                        Job::Event(cb, data) => {
                            cb.call(&data);
                            let Some(core) = weak.upgrade() else { return };
                            // Once the backlog is delivered, the host learns what it missed.
                            if core.events_waiting.fetch_sub(1, Ordering::AcqRel) == 1 {
                                let dropped = core.events_dropped.swap(0, Ordering::AcqRel);
                                if dropped > 0 && !core.is_closed() {
                                    cb.call(&events_dropped_notice(dropped));
                                }
                            }
                        }
                        Job::Stop => return,
                    }
                }
            })
            .map_err(|e| format!("cannot start the callback thread: {e}"))?;
        let id = thread.thread().id();
        *lock(&core.dispatcher) = Some((thread, id));
        let lease = runtime::acquire(&core)?;
        *lock(&core.lease) = Some(lease);
        Ok(core)
    }

    pub(crate) fn connection(&self) -> Option<Arc<Connection>> {
        lock(&self.connection).clone()
    }

    pub(crate) fn set_connection(&self, connection: Arc<Connection>) {
        *lock(&self.connection) = Some(connection);
    }

    /// Refuses requests and starts no callback from now on (the start of an asynchronous
    /// close; `close` does the rest).
    pub(crate) fn refuse(&self) {
        self.closed.store(true, Ordering::Release);
        let _q = lock(&self.queue);
        self.queue_ready.notify_all();
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// The runtime, if the client is open and the library not shut down.
    pub(crate) fn handle(&self) -> Option<tokio::runtime::Handle> {
        let lease = lock(&self.lease);
        let lease = lease.as_ref()?;
        runtime::is_current(lease.generation).then(|| lease.handle.clone())
    }

    fn dispatch(&self, job: Job) {
        if let Some(tx) = lock(&self.jobs).as_ref() {
            let _ = tx.send(job);
        }
    }

    /// Counts a reply the client will owe; false (nothing counted) when REPLY_LIMIT are
    /// owed already.
    pub(crate) fn owe_reply(&self) -> bool {
        if self.replies_owed.fetch_add(1, Ordering::AcqRel) >= REPLY_LIMIT {
            self.replies_owed.fetch_sub(1, Ordering::AcqRel);
            return false;
        }
        true
    }

    /// Queues a reply for its callback (run on the dispatcher thread). The reply was
    /// counted by `owe_reply`; it is uncounted once delivered or dropped.
    pub(crate) fn reply(&self, callback: Option<CCallback>, data: Vec<u8>) {
        match callback {
            Some(cb) if !self.is_closed() => self.dispatch(Job::Call(cb, data)),
            _ => {
                self.replies_owed.fetch_sub(1, Ordering::AcqRel);
            }
        }
    }

    /// Queues the reply to a `plugwire_client_submit` request for `next_event`.
    pub(crate) fn pull_reply(&self, request_id: u64, reply: crate::proto::Reply) {
        use prost::Message;
        let event = crate::proto::Event {
            kind: Some(crate::proto::event::Kind::RequestReply(
                crate::proto::RequestReply {
                    request_id,
                    reply: Some(reply),
                },
            )),
        }
        .encode_to_vec();
        if !self.is_closed() {
            self.push(true, event);
        } else {
            self.replies_owed.fetch_sub(1, Ordering::AcqRel);
        }
    }

    /// Adds to the pull queue and wakes a waiter (and the event descriptor when the queue
    /// was empty).
    fn push(&self, reply: bool, data: Vec<u8>) {
        let mut q = lock(&self.queue);
        if !reply {
            if q.events >= QUEUE_LIMIT {
                q.dropped += 1;
                return;
            }
            q.events += 1;
        }
        let was_empty = q.items.is_empty();
        q.items.push_back((reply, data));
        self.queue_ready.notify_one();
        drop(q);
        if was_empty {
            self.wake_host();
        }
    }

    /// Writes a byte to the event descriptor, if the host took one. A full socket buffer
    /// means unread bytes are there already, which is all a wake-up needs.
    fn wake_host(&self) {
        #[cfg(unix)]
        if let Some(w) = lock(&self.waker).as_ref() {
            use std::io::Write;
            let mut w = w;
            let _ = w.write(&[1]);
        }
    }

    /// `plugwire_client_event_fd`: the host's end of a socket pair that becomes readable
    /// whenever the pull queue is not empty. Closing it abandons the client (`abandon`).
    #[cfg(unix)]
    pub(crate) fn event_fd(self: &Arc<Self>) -> Result<std::os::fd::OwnedFd, String> {
        use std::os::unix::net::UnixStream;
        let handle = self.handle().ok_or("the library was shut down")?;
        let mut waker = lock(&self.waker);
        if waker.is_some() {
            return Err("the client's event descriptor was already taken".into());
        }
        let (host, library) =
            UnixStream::pair().map_err(|e| format!("cannot create a socket pair: {e}"))?;
        library
            .set_nonblocking(true)
            .map_err(|e| format!("cannot make the socket non-blocking: {e}"))?;
        let watch = library
            .try_clone()
            .map_err(|e| format!("cannot duplicate the socket: {e}"))?;
        let watch = {
            let _runtime = handle.enter();
            tokio::net::UnixStream::from_std(watch)
                .map_err(|e| format!("cannot watch the socket: {e}"))?
        };
        let weak = Arc::downgrade(self);
        let task = handle.spawn(async move {
            let mut buf = [0u8; 64];
            loop {
                if watch.readable().await.is_err() {
                    break;
                }
                match watch.try_read(&mut buf) {
                    // The host never writes; anything read is ignored.
                    Ok(n) if n > 0 => continue,
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
                    // EOF or an error: every copy of the host's end is closed.
                    _ => break,
                }
            }
            if let Some(core) = weak.upgrade() {
                core.abandon();
            }
        });
        *waker = Some(library);
        *lock(&self.watcher) = Some(task);
        let pending = !lock(&self.queue).items.is_empty();
        drop(waker);
        if pending {
            self.wake_host();
        }
        Ok(host.into())
    }

    fn since_born_ms(&self) -> u64 {
        u64::try_from(self.born.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// `plugwire_client_abandon_when_idle`: from now on, `idle` without a `next_event`
    /// call means the host is gone (a host that pulls on a timer and has no event
    /// descriptor whose close would say so: a Node worker terminated on Windows), and the
    /// client is abandoned. `None` turns it off.
    pub(crate) fn abandon_when_idle(
        self: &Arc<Self>,
        idle: Option<Duration>,
    ) -> Result<(), String> {
        if let Some(task) = lock(&self.idle_watch).take() {
            task.abort();
        }
        let Some(idle) = idle else { return Ok(()) };
        let handle = self.handle().ok_or("the library was shut down")?;
        self.last_pull_ms
            .store(self.since_born_ms(), Ordering::Release);
        let weak = Arc::downgrade(self);
        let idle_ms = u64::try_from(idle.as_millis()).unwrap_or(u64::MAX);
        let task = handle.spawn(async move {
            loop {
                tokio::time::sleep(idle / 4).await;
                let Some(core) = weak.upgrade() else { return };
                if core.is_closed() {
                    return;
                }
                let quiet = core
                    .since_born_ms()
                    .saturating_sub(core.last_pull_ms.load(Ordering::Acquire));
                if quiet > idle_ms {
                    tracing::debug!("no next_event call for {quiet} ms: the host is gone");
                    core.abandon();
                    return;
                }
            }
        });
        *lock(&self.idle_watch) = Some(task);
        Ok(())
    }

    /// The host went away without freeing the handle (its event descriptor was closed, or
    /// it stopped pulling for longer than it said it would: a Node worker terminated, a
    /// process torn down): the client closes itself as far as it can without the host.
    /// Requests are refused from now on, the connection is disconnected (the server stops
    /// every device) and queued events are dropped. The handle stays valid for
    /// `plugwire_client_free`.
    pub(crate) fn abandon(&self) {
        if self.closed.swap(true, Ordering::AcqRel) {
            return;
        }
        tracing::debug!("the host is gone without freeing the client: disconnecting");
        {
            let mut q = lock(&self.queue);
            q.items.clear();
            q.events = 0;
            self.queue_ready.notify_all();
        }
        let connection = lock(&self.connection).take();
        if let (Some(c), Some(handle)) = (connection, self.handle()) {
            handle.spawn(async move {
                let _ = c.client.disconnect().await;
                drop(c);
            });
        }
    }

    /// Delivers an event: to the event callback if there is one, else to the pull queue.
    pub(crate) fn event(&self, data: Vec<u8>) {
        if self.is_closed() {
            return;
        }
        match self.event_callback {
            Some(cb) => {
                if !self.try_queue_event(cb, data) {
                    self.events_dropped.fetch_add(1, Ordering::AcqRel);
                }
            }
            None => self.push(false, data),
        }
    }

    /// Hands an event to the callback thread unless EVENT_CALLBACK_LIMIT are waiting.
    fn try_queue_event(&self, cb: CCallback, data: Vec<u8>) -> bool {
        if self.events_waiting.fetch_add(1, Ordering::AcqRel) >= EVENT_CALLBACK_LIMIT {
            self.events_waiting.fetch_sub(1, Ordering::AcqRel);
            return false;
        }
        self.dispatch(Job::Event(cb, data));
        true
    }

    /// Pull mode: waits up to `timeout` for the next event.
    pub(crate) fn next_event(&self, timeout: Duration) -> Option<Vec<u8>> {
        self.last_pull_ms
            .store(self.since_born_ms(), Ordering::Release);
        let deadline = Instant::now() + timeout;
        let mut q = lock(&self.queue);
        loop {
            // A closed client (freed, or the library shut down) hands out nothing more,
            // not even events queued before.
            if self.is_closed() {
                return None;
            }
            if let Some((reply, e)) = q.items.pop_front() {
                if reply {
                    self.replies_owed.fetch_sub(1, Ordering::AcqRel);
                } else {
                    q.events -= 1;
                }
                return Some(e);
            }
            // The backlog is taken: the host learns what it missed.
            if q.dropped > 0 {
                let n = std::mem::take(&mut q.dropped);
                return Some(events_dropped_notice(n));
            }
            let now = Instant::now();
            if now >= deadline {
                return None;
            }
            q = self
                .queue_ready
                .wait_timeout(q, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Marks a caller inside an export using this client's handle until the guard drops.
    pub(crate) fn enter(self: &Arc<Self>) -> CallGuard {
        *lock(&self.calls) += 1;
        CallGuard(self.clone())
    }

    /// Waits until no caller is inside an export using this client's handle.
    pub(crate) fn wait_for_calls(&self) {
        let mut calls = lock(&self.calls);
        while *calls > 0 {
            calls = self
                .calls_done
                .wait(calls)
                .unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Disconnects (stopping every device, within `timeout`), stops callbacks and waits
    /// for a running one to finish unless it is the caller. After this returns no callback
    /// of this client runs again, with one exception that would otherwise deadlock: when
    /// the callback is itself waiting (directly or through other clients' callbacks) for
    /// the caller's thread, this returns without waiting for it.
    ///
    /// A second close (say `plugwire_client_free` racing `plugwire_shutdown`) waits for the
    /// first to finish, so it too returns only when the client is quiet.
    pub(crate) fn close(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        {
            let mut closing = lock(&self.closing);
            match *closing {
                Closing::Done => return,
                Closing::Open => *closing = Closing::By(std::thread::current().id()),
                Closing::By(closer) => {
                    if self.is_dispatcher() {
                        // Freed from its own callback while being closed elsewhere: the
                        // closer waits for this callback, which must return.
                        return;
                    }
                    // Wait for the other closer, unless it waits for this thread.
                    wait_for_thread(closer, || {
                        while *closing != Closing::Done {
                            closing = self
                                .closing_done
                                .wait(closing)
                                .unwrap_or_else(|e| e.into_inner());
                        }
                    });
                    return;
                }
            }
        }
        self.closed.store(true, Ordering::Release);
        if let Some(handle) = self.handle() {
            let disconnect = async {
                let connection = lock(&self.connection).take();
                if let Some(c) = connection {
                    let _ = c.client.disconnect().await;
                    drop(c);
                }
            };
            // Never called on a runtime thread: callbacks (and log callbacks) run on
            // threads of their own.
            let _ = handle.block_on(async { tokio::time::timeout(timeout, disconnect).await });
        }
        self.dispatch(Job::Stop);
        lock(&self.jobs).take();
        {
            // Under the queue's lock, so a waiter between its check and its wait is woken.
            let mut q = lock(&self.queue);
            q.items.clear();
            q.events = 0;
            self.queue_ready.notify_all();
        }
        if let Some(task) = lock(&self.watcher).take() {
            task.abort();
        }
        if let Some(task) = lock(&self.idle_watch).take() {
            task.abort();
        }
        #[cfg(unix)]
        lock(&self.waker).take();
        let dispatcher = lock(&self.dispatcher).take();
        if let Some((thread, id)) = dispatcher {
            if id != std::thread::current().id() {
                let mut thread = Some(thread);
                let joined = wait_for_thread(id, || {
                    if let Some(t) = thread.take() {
                        let _ = t.join();
                    }
                });
                if !joined {
                    // It ends by itself once its callback returns (it sees `closed`).
                    drop(thread);
                }
            }
        }
        let lease = lock(&self.lease).take();
        if let Some(lease) = lease {
            runtime::release(
                lease.generation,
                deadline.saturating_duration_since(Instant::now()),
            );
        }
        *lock(&self.closing) = Closing::Done;
        self.closing_done.notify_all();
    }

    /// Whether the calling thread is this client's callback thread.
    pub(crate) fn is_dispatcher(&self) -> bool {
        DISPATCHER_OF.with(|d| d.get()) == Some(self as *const ClientCore as usize)
    }
}

/// A caller inside an export using a client's handle; see `ClientCore::enter`.
pub(crate) struct CallGuard(Arc<ClientCore>);

impl Drop for CallGuard {
    fn drop(&mut self) {
        let mut calls = lock(&self.0.calls);
        *calls -= 1;
        if *calls == 0 {
            self.0.calls_done.notify_all();
        }
    }
}

thread_local! {
    /// On a client's callback thread: that client's address.
    static DISPATCHER_OF: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// Which thread each thread is waiting for (in `close`), to refuse a wait that closes a
/// cycle: two clients whose callbacks free each other would otherwise deadlock.
static WAITS: Mutex<Option<HashMap<ThreadId, ThreadId>>> = Mutex::new(None);

/// Runs `wait` (which blocks until `target` has done something) unless `target` is, through
/// a chain of such waits, waiting for this thread. Returns whether it ran.
fn wait_for_thread(target: ThreadId, wait: impl FnOnce()) -> bool {
    let me = std::thread::current().id();
    {
        let mut waits = lock(&WAITS);
        let waits = waits.get_or_insert_with(HashMap::new);
        let mut t = target;
        loop {
            if t == me {
                return false;
            }
            match waits.get(&t) {
                Some(next) => t = *next,
                None => break,
            }
        }
        waits.insert(me, target);
    }
    wait();
    if let Some(waits) = lock(&WAITS).as_mut() {
        waits.remove(&me);
    }
    true
}

/// The event telling a host that `n` events were dropped.
fn events_dropped_notice(n: u64) -> Vec<u8> {
    use prost::Message;
    crate::proto::Event {
        kind: Some(crate::proto::event::Kind::Error(crate::proto::Error {
            code: crate::proto::ErrorCode::EventsDropped as i32,
            category: crate::proto::ErrorCategory::Connection as i32,
            message: format!("{n} events were dropped: they were not taken fast enough"),
        })),
    }
    .encode_to_vec()
}
