//! The library's tokio runtime: created on first use, shut down when the last client is
//! freed or on `plugwire_shutdown`, so no library thread outlives the handles (hosts that
//! reload the library, such as the Unity editor, exit promptly).
//!
//! This is the library's one piece of global state.

use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use super::client_handle::ClientCore;

struct State {
    runtime: Option<tokio::runtime::Runtime>,
    /// Bumped at every shutdown; clients of an older generation are dead.
    generation: u64,
    /// Open clients of the current generation.
    open: usize,
    /// For plugwire_shutdown: the clients to close first.
    clients: Vec<Weak<ClientCore>>,
}

static STATE: Mutex<State> = Mutex::new(State {
    runtime: None,
    generation: 0,
    open: 0,
    clients: Vec::new(),
});

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
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("plugwire-rt")
            .enable_all()
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

/// A client of `generation` closed; the last one shuts the runtime down.
pub(crate) fn release(generation: u64) {
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
        runtime.shutdown_timeout(Duration::from_secs(2));
    }
}

/// Stops every client's devices, closes them, and shuts the runtime down.
pub(crate) fn shutdown(timeout: Duration) {
    let clients: Vec<Arc<ClientCore>> = {
        let s = state();
        s.clients.iter().filter_map(Weak::upgrade).collect()
    };
    for client in &clients {
        client.close(timeout);
    }
    let runtime = {
        let mut s = state();
        s.generation += 1;
        s.open = 0;
        s.clients.clear();
        s.runtime.take()
    };
    if let Some(runtime) = runtime {
        runtime.shutdown_timeout(timeout);
    }
}
