//! Status codes every export returns.

/// What an export did. Values are stable and never reused.
#[repr(C)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum PlugwireStatus {
    /// Success.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullArgument = 1,
    /// An argument was malformed (e.g. bytes that are not a valid request).
    InvalidArgument = 2,
    /// The library caught an internal panic; the call had no effect.
    Panic = 3,
    /// The library was shut down (plugwire_shutdown); free remaining handles.
    ShutDown = 4,
    /// No event arrived within the timeout (pull mode).
    Timeout = 5,
    /// The client was freed, or is being freed.
    ClientClosed = 6,
    /// The runtime could not be started.
    RuntimeFailed = 7,
    /// The client owes too many replies already (65,536 requests in flight or replies not
    /// yet taken): the request was not sent. Retry once replies have come.
    Busy = 8,
    /// Not available on this platform (e.g. `plugwire_client_event_fd` on Windows).
    Unsupported = 9,
}
