//! The client behind a `PlugwireClient` handle: its connection, how its callbacks are
//! delivered, and its pull-mode event queue.
//!
//! Callbacks never run on the runtime's threads: each client has one dispatcher thread
//! that calls its callbacks in order. So a callback may block, call back into the library,
//! or free its own client, without stalling or deadlocking the library.

use std::collections::VecDeque;
use std::os::raw::c_void;
use std::sync::atomic::{AtomicBool, Ordering};
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
    Stop,
}

/// An open connection: the client (which holds an embedded server alive) and the
/// server's simulated hardware, if any.
pub(crate) struct Connection {
    pub client: ButtplugClient,
    pub simulated: Option<SimulatedHardware>,
    pub forwarder: tokio::task::JoinHandle<()>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.forwarder.abort();
    }
}

pub(crate) struct ClientCore {
    pub(crate) lease: Mutex<Option<Lease>>,
    event_callback: Option<CCallback>,
    closed: AtomicBool,
    jobs: Mutex<Option<std_mpsc::Sender<Job>>>,
    dispatcher: Mutex<Option<(JoinHandle<()>, ThreadId)>>,
    queue: Mutex<VecDeque<Vec<u8>>>,
    queue_ready: Condvar,
    /// Held while connecting, so two connects never race.
    pub(crate) connecting: tokio::sync::Mutex<()>,
    /// The open connection. Requests clone the Arc and release the lock at once, so one
    /// client's requests are submitted in order and run concurrently.
    connection: Mutex<Option<Arc<Connection>>>,
}

use crate::poison::lock;

/// Events kept for pull mode before the oldest are dropped.
const QUEUE_LIMIT: usize = 10_000;

impl ClientCore {
    pub(crate) fn new(event_callback: Option<CCallback>) -> Result<Arc<ClientCore>, String> {
        let (tx, rx) = std_mpsc::channel::<Job>();
        let core = Arc::new(ClientCore {
            lease: Mutex::new(None),
            event_callback,
            closed: AtomicBool::new(false),
            jobs: Mutex::new(Some(tx)),
            dispatcher: Mutex::new(None),
            queue: Mutex::new(VecDeque::new()),
            queue_ready: Condvar::new(),
            connecting: tokio::sync::Mutex::new(()),
            connection: Mutex::new(None),
        });
        let weak = Arc::downgrade(&core);
        let thread = std::thread::Builder::new()
            .name("plugwire-callbacks".into())
            .spawn(move || {
                for job in rx {
                    let Some(core) = weak.upgrade() else { return };
                    if core.closed.load(Ordering::Acquire) {
                        return;
                    }
                    drop(core);
                    match job {
                        Job::Call(cb, data) => cb.call(&data),
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

    /// Queues a reply for its callback (run on the dispatcher thread).
    pub(crate) fn reply(&self, callback: Option<CCallback>, data: Vec<u8>) {
        if let Some(cb) = callback {
            if !self.is_closed() {
                self.dispatch(Job::Call(cb, data));
            }
        }
    }

    /// Delivers an event: to the event callback if there is one, else to the pull queue.
    pub(crate) fn event(&self, data: Vec<u8>) {
        if self.is_closed() {
            return;
        }
        match self.event_callback {
            Some(cb) => self.dispatch(Job::Call(cb, data)),
            None => {
                let mut q = lock(&self.queue);
                if q.len() >= QUEUE_LIMIT {
                    q.pop_front();
                }
                q.push_back(data);
                self.queue_ready.notify_one();
            }
        }
    }

    /// Pull mode: waits up to `timeout` for the next event.
    pub(crate) fn next_event(&self, timeout: Duration) -> Option<Vec<u8>> {
        let deadline = Instant::now() + timeout;
        let mut q = lock(&self.queue);
        loop {
            if let Some(e) = q.pop_front() {
                return Some(e);
            }
            let now = Instant::now();
            if now >= deadline || self.is_closed() {
                return None;
            }
            q = self
                .queue_ready
                .wait_timeout(q, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Disconnects (stopping every device), stops callbacks and waits for a running one
    /// to finish unless it is the caller. After this returns no callback of this client
    /// runs again.
    pub(crate) fn close(&self, timeout: Duration) {
        if self.closed.swap(true, Ordering::AcqRel) {
            return;
        }
        if let Some(handle) = self.handle() {
            let disconnect = async {
                let connection = lock(&self.connection).take();
                if let Some(c) = connection {
                    let _ = c.client.disconnect().await;
                    drop(c);
                }
            };
            // Never called on a runtime thread: callbacks run on the dispatcher thread.
            let _ = handle.block_on(async { tokio::time::timeout(timeout, disconnect).await });
        }
        self.dispatch(Job::Stop);
        lock(&self.jobs).take();
        self.queue_ready.notify_all();
        let dispatcher = lock(&self.dispatcher).take();
        if let Some((thread, id)) = dispatcher {
            if id != std::thread::current().id() {
                let _ = thread.join();
            }
        }
        let lease = lock(&self.lease).take();
        if let Some(lease) = lease {
            runtime::release(lease.generation);
        }
    }
}
