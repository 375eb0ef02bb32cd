//! The C ABI.
//!
//! Conventions (see bindings/c/README.md): every function returns a `PlugwireStatus`
//! (except the two accessors that return static data); inputs come first, outputs last;
//! buffers are a pointer then a `size_t` length; NULL where a pointer is required is
//! `PLUGWIRE_STATUS_NULL_ARGUMENT`; nothing panics across the boundary.
//!
//! Threads: every function may be called from any thread, concurrently, including from
//! inside a callback. Callbacks of a client run on that client's own callback thread, one
//! at a time, in order; they never run on the caller's thread. After
//! `plugwire_client_free` returns, no callback of that client runs again.

pub(crate) mod client_handle;
mod logging;
pub(crate) mod panic_boundary;
mod playback;
mod requests;
mod runtime;
mod status;

use std::os::raw::{c_char, c_void};
use std::sync::Arc;
use std::time::Duration;

use prost::Message;

pub use client_handle::PlugwireCallback;
use client_handle::{CCallback, ClientCore};
pub use logging::{PlugwireLogCallback, PlugwireLogLevel};
use panic_boundary::{ffi_boundary, require, require_open, set_last_error};
pub use status::PlugwireStatus;

use crate::proto as pb;

/// Version of this C ABI. It changes only when an existing function's signature or
/// meaning changes; additions keep it.
pub const PLUGWIRE_ABI_VERSION: u32 = 1;

/// An opaque client handle. Create with `plugwire_client_new`, release with
/// `plugwire_client_free`.
pub struct PlugwireClient {
    core: Arc<ClientCore>,
}

/// The library version as a NUL-terminated string, e.g. "0.1.0".
///
/// Ownership: static; do not free. Threads: any.
#[unsafe(no_mangle)]
pub extern "C" fn plugwire_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The ABI version the library implements (`PLUGWIRE_ABI_VERSION` when it was built).
///
/// Threads: any.
#[unsafe(no_mangle)]
pub extern "C" fn plugwire_abi_version() -> u32 {
    PLUGWIRE_ABI_VERSION
}

/// The message of the last failing call on this thread, NUL-terminated UTF-8 ("" if none).
///
/// Ownership: borrowed; valid until the next failing call on the same thread. Do not free.
#[unsafe(no_mangle)]
pub extern "C" fn plugwire_last_error_message() -> *const c_char {
    panic_boundary::last_error_ptr()
}

/// Creates a client. Events (encoded `plugwire.v1.Event`) go to `event_callback`, called
/// with `event_user_data`; pass NULL to collect them with `plugwire_client_next_event`
/// instead (pull mode). The client is not connected: send a `ConnectEmbedded` or
/// `ConnectWebsocket` request.
///
/// Ownership: on success `*out_client` holds a new handle the caller must release with
/// `plugwire_client_free`. `event_user_data` must stay valid until then.
/// Threads: any. Starts the library's runtime on first use.
///
/// # Safety
/// `out_client` must be NULL or point to writable memory for one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn plugwire_client_new(
    event_callback: PlugwireCallback,
    event_user_data: *mut c_void,
    out_client: *mut *mut PlugwireClient,
) -> PlugwireStatus {
    ffi_boundary!({
        require!(out_client, "out_client");
        match ClientCore::new(CCallback::new(event_callback, event_user_data)) {
            Ok(core) => {
                let handle = Box::into_raw(Box::new(PlugwireClient { core }));
                // SAFETY: checked non-NULL above; the caller provides writable memory.
                unsafe { *out_client = handle };
                PlugwireStatus::Ok
            }
            Err(e) => {
                set_last_error(e);
                PlugwireStatus::RuntimeFailed
            }
        }
    })
}

/// Sends a request: `request` holds `request_len` bytes of an encoded
/// `plugwire.v1.Request`. When the status is OK, `reply_callback` is called exactly once
/// with an encoded `plugwire.v1.Reply` and `reply_user_data` (unless the client is freed
/// first: requests still in flight then never call back). Errors of the request itself
/// (not connected, unknown device, server refusal...) come as an `Error` reply.
///
/// Ownership: the request bytes are copied before return. The reply buffer is borrowed for
/// the duration of the callback. `reply_callback` may be NULL (fire and forget).
/// Threads: any, concurrently; the callback runs on the client's callback thread.
///
/// # Safety
/// `client` must be a live handle from `plugwire_client_new`; `request` must point to
/// `request_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn plugwire_client_request(
    client: *const PlugwireClient,
    request: *const u8,
    request_len: usize,
    reply_callback: PlugwireCallback,
    reply_user_data: *mut c_void,
) -> PlugwireStatus {
    ffi_boundary!({
        let callback = CCallback::new(reply_callback, reply_user_data);
        // SAFETY: forwarded from the caller's guarantees.
        unsafe { send(client, request, request_len, ReplyTo::Callback(callback)) }
    })
}

/// Sends a request whose reply is queued for `plugwire_client_next_event` (pull mode for
/// replies too): when the status is OK, exactly one `Event` with `request_reply` carrying
/// `request_id` (any value the host likes) and the encoded `plugwire.v1.Reply` is queued,
/// unless the client is closed first. Works whether or not the client has an event
/// callback. A host that takes replies and events this way is never called back by a
/// library thread, so freeing the client never waits on the host's own thread (the shape
/// the Node binding uses).
///
/// Ownership: the request bytes are copied before return.
/// Errors: as `plugwire_client_request`; `PLUGWIRE_STATUS_BUSY` when 65,536 replies are
/// owed already (in flight or not yet taken).
/// Threads: any, concurrently.
///
/// # Safety
/// `client` must be a live handle from `plugwire_client_new`; `request` must point to
/// `request_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn plugwire_client_submit(
    client: *const PlugwireClient,
    request: *const u8,
    request_len: usize,
    request_id: u64,
) -> PlugwireStatus {
    ffi_boundary!({
        // SAFETY: forwarded from the caller's guarantees.
        unsafe { send(client, request, request_len, ReplyTo::Queue(request_id)) }
    })
}

/// Where a request's reply goes.
enum ReplyTo {
    Callback(Option<CCallback>),
    Queue(u64),
}

/// The body of `plugwire_client_request` and `plugwire_client_submit`.
///
/// # Safety
/// As `plugwire_client_request`.
unsafe fn send(
    client: *const PlugwireClient,
    request: *const u8,
    request_len: usize,
    reply_to: ReplyTo,
) -> PlugwireStatus {
    require!(client, "client");
    if request.is_null() && request_len > 0 {
        set_last_error("request is NULL");
        return PlugwireStatus::NullArgument;
    }
    // SAFETY: checked non-NULL; the caller guarantees a live handle.
    let core = unsafe { &(*client).core };
    // A free racing this call waits for it to return before releasing the handle.
    let _call = core.enter();
    let bytes = if request_len == 0 {
        &[][..]
    } else {
        // SAFETY: the caller guarantees `request_len` readable bytes.
        unsafe { std::slice::from_raw_parts(request, request_len) }
    };
    let kind = match pb::Request::decode(bytes) {
        Ok(pb::Request { kind: Some(kind) }) => kind,
        Ok(_) => {
            set_last_error("the request names no operation");
            return PlugwireStatus::InvalidArgument;
        }
        Err(e) => {
            set_last_error(format!(
                "the request is not a valid plugwire.v1.Request: {e}"
            ));
            return PlugwireStatus::InvalidArgument;
        }
    };
    require_open!(core);
    let Some(handle) = core.handle() else {
        set_last_error("the library was shut down");
        return PlugwireStatus::ShutDown;
    };
    let answered = !matches!(reply_to, ReplyTo::Callback(None));
    if answered && !core.owe_reply() {
        set_last_error(format!(
            "{} replies are owed already; wait for some before sending more",
            client_handle::REPLY_LIMIT
        ));
        return PlugwireStatus::Busy;
    }
    tracing::trace!("request: {kind:?}");
    let core = core.clone();
    // Submitted here, on the caller's thread: requests from one thread reach each
    // device in the order of the calls (a stop is never overtaken by an earlier
    // command). Only the wait for the reply runs on the runtime.
    let pending = {
        let _runtime = handle.enter();
        requests::submit(&core, kind)
    };
    handle.spawn(async move {
        // A panic while the request runs still answers, exactly once.
        let reply = requests::settle(pending).await;
        if let pb::reply::Kind::Error(e) = &reply {
            tracing::debug!("request failed: {} ({:?})", e.message, e.code());
        }
        match reply_to {
            ReplyTo::Callback(None) => {}
            ReplyTo::Callback(callback) => core.reply(callback, requests::encode_reply(reply)),
            ReplyTo::Queue(id) => core.pull_reply(id, pb::Reply { kind: Some(reply) }),
        }
    });
    PlugwireStatus::Ok
}

/// For hosts that pull on a timer (`plugwire_client_next_event` at timeout 0) and have no
/// event descriptor whose close would tell the library they are gone (Windows): from now
/// on, `idle_ms` without a `next_event` call on this client means its host is gone, and
/// the client is abandoned as when its event descriptor closes (requests get
/// `PLUGWIRE_STATUS_CLIENT_CLOSED`, the connection is disconnected so the server stops
/// every device, queued events are dropped; the handle still needs
/// `plugwire_client_free`). A Node worker terminated on Windows is such a host. Pull more
/// often than `idle_ms` (a few times as often: a host that stalls longer, in a debugger
/// or a long computation, loses its client). `idle_ms` 0 turns it off; otherwise it is
/// 100 to 3,600,000.
///
/// Errors: `PLUGWIRE_STATUS_INVALID_ARGUMENT` for `idle_ms` out of range (nothing
/// changes), `PLUGWIRE_STATUS_CLIENT_CLOSED` for a closed client.
/// Threads: any.
///
/// # Safety
/// `client` must be a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn plugwire_client_abandon_when_idle(
    client: *const PlugwireClient,
    idle_ms: u32,
) -> PlugwireStatus {
    ffi_boundary!({
        require!(client, "client");
        // SAFETY: checked non-NULL; the caller guarantees a live handle.
        let core = unsafe { &(*client).core };
        let _call = core.enter();
        require_open!(core);
        let idle = match idle_ms {
            0 => None,
            100..=3_600_000 => Some(Duration::from_millis(u64::from(idle_ms))),
            _ => {
                set_last_error(format!(
                    "idle_ms {idle_ms} is out of range: 0 (off) or 100 to 3600000"
                ));
                return PlugwireStatus::InvalidArgument;
            }
        };
        match core.abandon_when_idle(idle) {
            Ok(()) => PlugwireStatus::Ok,
            Err(e) => {
                set_last_error(e);
                PlugwireStatus::ShutDown
            }
        }
    })
}

/// The event descriptor of a client (POSIX only): a socket that becomes readable when
/// `plugwire_client_next_event` has something to hand out (events, or replies to
/// `plugwire_client_submit`). Watch it with the host's own event loop (poll, epoll, libuv,
/// a Node `net.Socket`), read and discard what it holds, then call `next_event` with
/// timeout 0 until it returns `PLUGWIRE_STATUS_TIMEOUT`. Nothing ever needs to block in
/// the library or run on a library thread.
///
/// Closing the descriptor means the host is gone: a host that dies without freeing the
/// client (a Node worker terminated, a process torn down) closes it, and the library then
/// abandons the client: requests get `PLUGWIRE_STATUS_CLIENT_CLOSED`, the connection is
/// disconnected (the server stops every device) and queued events are dropped. The
/// handle still needs `plugwire_client_free`. So keep it open as long as the client is.
///
/// Ownership: `*out_fd` is the caller's to close. One descriptor per client: a second
/// call returns `PLUGWIRE_STATUS_INVALID_ARGUMENT`. On Windows: `PLUGWIRE_STATUS_UNSUPPORTED`.
/// Threads: any.
///
/// # Safety
/// `client` must be a live handle; `out_fd` must be writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn plugwire_client_event_fd(
    client: *const PlugwireClient,
    out_fd: *mut i32,
) -> PlugwireStatus {
    ffi_boundary!({
        require!(client, "client");
        require!(out_fd, "out_fd");
        // SAFETY: checked non-NULL; the caller guarantees a live handle.
        let core = unsafe { &(*client).core };
        let _call = core.enter();
        require_open!(core);
        #[cfg(unix)]
        {
            use std::os::fd::IntoRawFd;
            match core.event_fd() {
                Ok(fd) => {
                    // SAFETY: checked non-NULL; writable per the contract.
                    unsafe { *out_fd = fd.into_raw_fd() };
                    PlugwireStatus::Ok
                }
                Err(e) => {
                    set_last_error(e);
                    PlugwireStatus::InvalidArgument
                }
            }
        }
        #[cfg(not(unix))]
        {
            set_last_error("event descriptors exist on POSIX systems only; poll next_event");
            PlugwireStatus::Unsupported
        }
    })
}

/// Pull mode: waits up to `timeout_ms` for the next event of a client created without an
/// event callback. On OK, `*out_event`/`*out_len` hold an encoded `plugwire.v1.Event`;
/// on `PLUGWIRE_STATUS_TIMEOUT` there was none. Once the client is closed (freed from
/// another thread while this waits, or `plugwire_shutdown`), it returns
/// `PLUGWIRE_STATUS_CLIENT_CLOSED` at once, even if events were queued before.
///
/// Ownership: the event buffer belongs to the caller; release it with
/// `plugwire_buffer_free(*out_event, *out_len)`.
/// Threads: any; meant for a host's own loop (e.g. a game engine's main thread). A
/// `plugwire_client_free` from another thread wakes this call and waits for it to return
/// before releasing the handle.
///
/// # Safety
/// `client` must be a live handle; `out_event` and `out_len` must be writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn plugwire_client_next_event(
    client: *const PlugwireClient,
    timeout_ms: u32,
    out_event: *mut *mut u8,
    out_len: *mut usize,
) -> PlugwireStatus {
    ffi_boundary!({
        require!(client, "client");
        require!(out_event, "out_event");
        require!(out_len, "out_len");
        // SAFETY: checked non-NULL; the caller guarantees a live handle.
        let core = unsafe { &(*client).core };
        // A free from another thread wakes this call (CLIENT_CLOSED) and waits for it to
        // return before releasing the handle.
        let _call = core.enter();
        match core.next_event(Duration::from_millis(u64::from(timeout_ms))) {
            Some(event) => {
                let (ptr, len) = hand_out(event);
                // SAFETY: checked non-NULL; writable per the contract.
                unsafe {
                    *out_event = ptr;
                    *out_len = len;
                }
                PlugwireStatus::Ok
            }
            None if core.is_closed() => PlugwireStatus::ClientClosed,
            None => PlugwireStatus::Timeout,
        }
    })
}

/// Gives bytes to the host as a buffer it releases with `plugwire_buffer_free`.
fn hand_out(bytes: Vec<u8>) -> (*mut u8, usize) {
    let boxed = bytes.into_boxed_slice();
    let len = boxed.len();
    (Box::into_raw(boxed).cast::<u8>(), len)
}

/// Releases a buffer the library handed out (`plugwire_client_next_event`,
/// `plugwire_log_next`).
/// NULL is accepted and does nothing.
///
/// # Safety
/// `buffer`/`len` must be exactly what the library returned, freed once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn plugwire_buffer_free(buffer: *mut u8, len: usize) -> PlugwireStatus {
    ffi_boundary!({
        if !buffer.is_null() {
            // SAFETY: the buffer came from Box<[u8]> of this length (contract).
            drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(buffer, len)) });
        }
        PlugwireStatus::Ok
    })
}

/// Frees a client: disconnects (the server stops every device, waiting at most 5 s),
/// waits for a callback that is running on another thread to return, wakes and waits for
/// calls on this handle still running on other threads (`next_event` returns
/// `PLUGWIRE_STATUS_CLIENT_CLOSED`), and releases the handle. After it returns no callback
/// of this client runs (one exception: when callbacks of two clients free each other,
/// the free that would deadlock does not wait). If `plugwire_shutdown` is closing the
/// client at the same time, it returns only once that close finished. The last client
/// freed shuts the library's runtime down (and closes its serial ports). NULL does
/// nothing.
///
/// Threads: any, including from inside any client's callback or the log callback.
///
/// # Safety
/// `client` must be NULL or a live handle; it is invalid afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn plugwire_client_free(client: *mut PlugwireClient) -> PlugwireStatus {
    ffi_boundary!({
        if client.is_null() {
            return PlugwireStatus::Ok;
        }
        // SAFETY: the caller passes a live handle from plugwire_client_new, once.
        let handle = unsafe { Box::from_raw(client) };
        handle.core.close(requests::CLOSE_TIMEOUT);
        // Calls on this handle still inside the library (a next_event woken by the close)
        // return before the handle goes.
        handle.core.wait_for_calls();
        drop(handle);
        PlugwireStatus::Ok
    })
}

/// `void (*)(void *user_data)`: the completion of `plugwire_client_close`.
pub type PlugwireClosedCallback = Option<unsafe extern "C" fn(user_data: *mut c_void)>;

/// Releases a client without waiting, like libuv's `uv_close`: for hosts that must never
/// block their own thread (one event loop), also from inside the client's own callbacks.
/// It returns at once; from then on requests on the handle are refused
/// (`PLUGWIRE_STATUS_CLIENT_CLOSED`), no reply or event callback starts, and `next_event`
/// returns `PLUGWIRE_STATUS_CLIENT_CLOSED`. On a thread of its own the library then does
/// what `plugwire_client_free` does (disconnects so the server stops every device, at
/// most 5 s; waits for a callback that is running and for calls on the handle still
/// inside the library) and releases the handle; last, it calls `on_closed(user_data)`
/// once, on that thread. `on_closed` is the last callback the client ever makes: when it
/// runs, no callback of the client is running or will run, and `event_user_data` and
/// every `reply_user_data` may be freed. `on_closed` may be NULL. NULL `client` does
/// nothing (and `on_closed` is not called).
///
/// A handle is released by exactly one of `plugwire_client_free` and
/// `plugwire_client_close`, once; the handle is invalid as soon as this is called.
/// Threads: any, including from inside any callback.
///
/// # Safety
/// `client` must be NULL or a live handle; `user_data` must be usable from another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn plugwire_client_close(
    client: *mut PlugwireClient,
    on_closed: PlugwireClosedCallback,
    user_data: *mut c_void,
) -> PlugwireStatus {
    ffi_boundary!({
        if client.is_null() {
            return PlugwireStatus::Ok;
        }
        // SAFETY: the caller passes a live handle from plugwire_client_new, once.
        let handle = unsafe { Box::from_raw(client) };
        handle.core.refuse();
        let closing = ClosingHandle {
            handle,
            on_closed,
            user_data,
        };
        // plugwire_shutdown waits for this close until on_closed has returned.
        let under_way = runtime::close_started();
        let slot = Arc::new(std::sync::Mutex::new(Some((closing, under_way))));
        let theirs = slot.clone();
        let finish = |slot: &std::sync::Mutex<Option<(ClosingHandle, runtime::CloseUnderWay)>>| {
            if let Some((c, under_way)) = crate::poison::lock(slot).take() {
                under_way.finishing_here();
                c.finish();
            }
        };
        let spawned = std::thread::Builder::new()
            .name("plugwire-close".into())
            .spawn(move || finish(&theirs));
        if spawned.is_err() {
            // No thread to be had: close here (blocking) rather than leak the client.
            finish(&slot);
        }
        PlugwireStatus::Ok
    })
}

/// A client `plugwire_client_close` is releasing.
struct ClosingHandle {
    handle: Box<PlugwireClient>,
    on_closed: PlugwireClosedCallback,
    user_data: *mut c_void,
}

// SAFETY: the API contract of plugwire_client_close requires user_data to be usable from
// another thread.
unsafe impl Send for ClosingHandle {}

impl ClosingHandle {
    fn finish(self) {
        self.handle.core.close(requests::CLOSE_TIMEOUT);
        self.handle.core.wait_for_calls();
        drop(self.handle);
        if let Some(on_closed) = self.on_closed {
            // SAFETY: the host's callback and context, called once as documented.
            unsafe { on_closed(self.user_data) };
        }
    }
}

/// Sets (or with NULL removes) the log callback and its level (`PLUGWIRE_LOG_LEVEL_*`,
/// 0 = off ... 5 = trace). Callable at any time, any number of times, from any thread,
/// including from inside the log callback.
///
/// Records are delivered one at a time, in order, on the library's log thread (which runs
/// while a callback is set), never on the caller's thread or a runtime thread; a callback
/// may call any plugwire function. Records that arrive while 1024 wait for a slow callback
/// are dropped; the callback is then told how many (a WARN record).
///
/// Ownership: when this returns, the previous callback is not running and is never called
/// again (unless this is called from inside it), so its `user_data` may be freed at once.
/// `user_data` must stay valid until the callback is replaced or removed.
/// Errors: `PLUGWIRE_STATUS_INVALID_ARGUMENT` for a level above 5 (nothing changes);
/// `PLUGWIRE_STATUS_RUNTIME_FAILED` if the log thread cannot be started.
#[unsafe(no_mangle)]
pub extern "C" fn plugwire_set_log_callback(
    callback: PlugwireLogCallback,
    user_data: *mut c_void,
    level: u32,
) -> PlugwireStatus {
    ffi_boundary!({
        let Some(level) = log_level(level) else {
            return PlugwireStatus::InvalidArgument;
        };
        match logging::set_callback(callback, user_data, level) {
            Ok(()) => PlugwireStatus::Ok,
            Err(e) => {
                set_last_error(e);
                PlugwireStatus::RuntimeFailed
            }
        }
    })
}

/// Changes the log level (`PLUGWIRE_LOG_LEVEL_*`, 0 = off ... 5 = trace). Callable at any
/// time, from any thread. Errors: `PLUGWIRE_STATUS_INVALID_ARGUMENT` for a level above 5
/// (the level stays as it was).
#[unsafe(no_mangle)]
pub extern "C" fn plugwire_set_log_level(level: u32) -> PlugwireStatus {
    ffi_boundary!({
        let Some(level) = log_level(level) else {
            return PlugwireStatus::InvalidArgument;
        };
        logging::set_level(level);
        PlugwireStatus::Ok
    })
}

/// Turns the pulled log queue on at `level` (`PLUGWIRE_LOG_LEVEL_ERROR` 1 ... `TRACE` 5), or
/// off with `PLUGWIRE_LOG_LEVEL_OFF` (0: records waiting are discarded). For hosts that must
/// never be called from a library thread (Node, a game's main thread): records wait in a
/// queue until the host takes them with `plugwire_log_next`, on a thread of its own, at its
/// own pace. Callable at any time, any number of times, from any thread.
///
/// The level is the library's one log level, shared with the log callback (this sets it as
/// `plugwire_set_log_level` does; turning the queue off leaves it). With a callback set
/// too, each gets every record. The queue holds the newest 1024 records: when it is full the
/// oldest record is dropped to make room and counted, and the count comes out as a WARN
/// record ("plugwire: N log records were dropped: ...") before the oldest record kept, so
/// a host that never pulls costs at most 1024 records of memory. The queue is
/// process-wide: pull it from one place. It survives `plugwire_shutdown`.
/// Errors: `PLUGWIRE_STATUS_INVALID_ARGUMENT` for a level above 5 (nothing changes).
#[unsafe(no_mangle)]
pub extern "C" fn plugwire_set_log_queue(level: u32) -> PlugwireStatus {
    ffi_boundary!({
        let Some(level) = log_level(level) else {
            return PlugwireStatus::InvalidArgument;
        };
        logging::set_queue(level);
        PlugwireStatus::Ok
    })
}

/// Takes the oldest record of the pulled log queue, waiting up to `timeout_ms` for one (0:
/// never blocks). On OK, `*out_level` holds its `PLUGWIRE_LOG_LEVEL_*` and
/// `*out_message`/`*out_len` its text (UTF-8, not NUL-terminated). On
/// `PLUGWIRE_STATUS_TIMEOUT` none came. `PLUGWIRE_STATUS_INVALID_ARGUMENT` when the queue is
/// off (also for a call waiting when it is turned off, which returns at once).
///
/// Ownership: the message buffer belongs to the caller; release it with
/// `plugwire_buffer_free(*out_message, *out_len)`.
/// Threads: any; each record goes to one caller.
///
/// # Safety
/// `out_level`, `out_message` and `out_len` must be writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn plugwire_log_next(
    timeout_ms: u32,
    out_level: *mut u32,
    out_message: *mut *mut u8,
    out_len: *mut usize,
) -> PlugwireStatus {
    ffi_boundary!({
        require!(out_level, "out_level");
        require!(out_message, "out_message");
        require!(out_len, "out_len");
        match logging::next_record(Duration::from_millis(u64::from(timeout_ms))) {
            Ok((level, text)) => {
                let (ptr, len) = hand_out(text.into_bytes());
                // SAFETY: checked non-NULL; writable per the contract.
                unsafe {
                    *out_level = level as u32;
                    *out_message = ptr;
                    *out_len = len;
                }
                PlugwireStatus::Ok
            }
            Err(logging::NoRecord::Timeout) => PlugwireStatus::Timeout,
            Err(logging::NoRecord::Off) => {
                set_last_error("the log queue is off: turn it on with plugwire_set_log_queue");
                PlugwireStatus::InvalidArgument
            }
        }
    })
}

/// A log level from C, validated; records the error otherwise.
fn log_level(level: u32) -> Option<PlugwireLogLevel> {
    let parsed = PlugwireLogLevel::from_u32(level);
    if parsed.is_none() {
        set_last_error(format!(
            "{level} is not a log level (0 = off, 1 = error ... 5 = trace)"
        ));
    }
    parsed
}

/// Shuts the library down: every client is disconnected (its devices stopped) and closed,
/// all at once, releases by `plugwire_client_close` under way complete (their `on_closed`
/// has returned), and the runtime's threads end, within `timeout_ms` in all (plus the time
/// running callbacks take to return). When it returns no client callback runs again (but
/// for a close whose `on_closed` has not returned by the timeout: a warning is logged).
/// Handles stay valid for `plugwire_client_free` only; other calls on them return
/// `PLUGWIRE_STATUS_SHUT_DOWN` or `PLUGWIRE_STATUS_CLIENT_CLOSED` (`next_event` too, even
/// with events queued before). A later `plugwire_client_new` starts afresh. The log
/// callback, if set, stays set.
///
/// Threads: any, including from inside a client's callback or the log callback (the
/// calling callback's own client is closed without waiting for that callback).
#[unsafe(no_mangle)]
pub extern "C" fn plugwire_shutdown(timeout_ms: u32) -> PlugwireStatus {
    ffi_boundary!({
        runtime::shutdown(Duration::from_millis(u64::from(timeout_ms)));
        PlugwireStatus::Ok
    })
}
