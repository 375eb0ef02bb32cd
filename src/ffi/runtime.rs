//! The library's tokio runtime: created on first use, shut down when the last client is
//! freed or on `plugwire_shutdown`, so no library thread outlives the handles (hosts that
//! reload the library, such as the Unity editor, exit promptly).
//!
//! This is the library's one piece of global state.

use std::cell::Cell;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use super::client_handle::ClientCore;

struct State {
    runtime: Option<tokio::runtime::Runtime>,
    /// Bumped at every shutdown; clients of an older generation are dead.
    generation: u64,
    /// Open clients of the current generation.
    open: usize,
    /// For plugwire_shutdown: the clients to close first.
    clients: Vec<Weak<ClientCore>>,
    /// Releases by plugwire_client_close whose completion callback has not returned yet:
    /// plugwire_shutdown waits for them (their callback is a client callback too).
    closing: usize,
}

static STATE: Mutex<State> = Mutex::new(State {
    runtime: None,
    generation: 0,
    open: 0,
    clients: Vec::new(),
    closing: 0,
});

/// Signalled when `closing` goes down.
static CLOSED: Condvar = Condvar::new();

thread_local! {
    /// This thread is finishing a plugwire_client_close (a shutdown called from its
    /// completion callback must not wait for itself).
    static FINISHING_A_CLOSE: Cell<bool> = const { Cell::new(false) };
}

fn state() -> MutexGuard<'static, State> {
    STATE.lock().unwrap_or_else(|e| e.into_inner())
}

/// A live runtime a client runs on.
pub(crate) struct Lease {
    pub handle: tokio::runtime::Handle,
    pub generation: u64,
}

/// Starts the runtime if needed and registers a client on it.
pub(crate) fn acquire(client: &Arc<ClientCore>) -> Result<Lease, String> {
    let mut s = state();
    if s.runtime.is_none() {
        let runtime = crate::runtime::builder()
            .build()
            .map_err(|e| format!("cannot start the runtime: {e}"))?;
        s.runtime = Some(runtime);
    }
    s.clients.retain(|c| c.strong_count() > 0);
    s.clients.push(Arc::downgrade(client));
    s.open += 1;
    let handle = s
        .runtime
        .as_ref()
        .map(|r| r.handle().clone())
        .ok_or("runtime vanished")?;
    Ok(Lease {
        handle,
        generation: s.generation,
    })
}

pub(crate) fn is_current(generation: u64) -> bool {
    let s = state();
    s.generation == generation && s.runtime.is_some()
}

/// A client of `generation` closed; the last one shuts the runtime down, waiting at most
/// `timeout` for its threads.
pub(crate) fn release(generation: u64, timeout: Duration) {
    let runtime = {
        let mut s = state();
        if s.generation != generation {
            return;
        }
        s.open = s.open.saturating_sub(1);
        if s.open > 0 {
            return;
        }
        s.generation += 1;
        s.clients.clear();
        s.runtime.take()
    };
    if let Some(runtime) = runtime {
        runtime.shutdown_timeout(timeout.min(Duration::from_secs(2)));
    }
}

/// Counts a plugwire_client_close from its start until its completion callback has
/// returned (when this is dropped, on the thread that finishes the close).
pub(crate) struct CloseUnderWay(());

/// A plugwire_client_close has started; the guard is moved to the thread that finishes it.
pub(crate) fn close_started() -> CloseUnderWay {
    state().closing += 1;
    CloseUnderWay(())
}

impl CloseUnderWay {
    /// Marks the current thread as the one finishing this close.
    pub(crate) fn finishing_here(&self) {
        FINISHING_A_CLOSE.with(|f| f.set(true));
    }
}

impl Drop for CloseUnderWay {
    fn drop(&mut self) {
        FINISHING_A_CLOSE.with(|f| f.set(false));
        let mut s = state();
        s.closing = s.closing.saturating_sub(1);
        CLOSED.notify_all();
    }
}

/// Waits until every plugwire_client_close under way (but the one this thread finishes)
/// has called its completion callback, or `deadline` has passed.
fn wait_for_closes(deadline: Instant) {
    let own = usize::from(FINISHING_A_CLOSE.with(Cell::get));
    let mut s = state();
    while s.closing > own {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            tracing::warn!(
                "plugwire_shutdown: {} client close(s) still under way at the timeout",
                s.closing - own
            );
            return;
        }
        s = CLOSED
            .wait_timeout(s, left)
            .unwrap_or_else(|e| e.into_inner())
            .0;
    }
}

/// Stops every client's devices and closes them, all at once, waits for releases by
/// plugwire_client_close under way to complete, then shuts the runtime down: within
/// `timeout` in all (plus the time a running callback takes to return).
pub(crate) fn shutdown(timeout: Duration) {
    let deadline = Instant::now() + timeout;
    let clients: Vec<Arc<ClientCore>> = {
        let s = state();
        s.clients.iter().filter_map(Weak::upgrade).collect()
    };
    // Each client on a thread of its own: one client's hanging devices do not delay the
    // next, and a client's close waiting for its callback does not hold the others up.
    // The caller's thread takes the first client, so a thread that cannot be started
    // still gets its client closed (in turn).
    std::thread::scope(|scope| {
        // Called from a client's callback: that client is closed here (a closer thread
        // would wait for this callback, which waits for the closer).
        let own = clients.iter().position(|c| c.is_dispatcher()).unwrap_or(0);
        let first = clients.get(own);
        let mut inline = Vec::new();
        for (i, client) in clients.iter().enumerate() {
            if i == own {
                continue;
            }
            let spawned = std::thread::Builder::new()
                .name("plugwire-close".into())
                .spawn_scoped(scope, || client.close(timeout));
            if spawned.is_err() {
                inline.push(client);
            }
        }
        if let Some(client) = first {
            client.close(timeout);
        }
        for client in inline {
            client.close(deadline.saturating_duration_since(Instant::now()));
        }
    });
    wait_for_closes(deadline);
    let runtime = {
        let mut s = state();
        s.generation += 1;
        s.open = 0;
        s.clients.clear();
        s.runtime.take()
    };
    if let Some(runtime) = runtime {
        runtime.shutdown_timeout(deadline.saturating_duration_since(Instant::now()));
    }
}
