//! The runtime settings plugwire runs on: the C ABI's runtime (every binding), the
//! command line and the benchmarks that measure the library as a host gets it all build
//! their runtime here.
//!
//! Two worker threads. One would cost fewer wake-ups (tokio hands its "searching" role
//! to the next idle worker whenever a woken worker finds work, so a burst from outside
//! the runtime runs both), but with one, a task woken behind thousands of ready ones (a
//! scan finding 2,000 toys) waits for all of them: tokio runs the most recently woken
//! task first, and a second worker is what steals the starved one. Measured: a client's
//! event forwarder fell more than 1,024 events behind in 3 of 8 such scans with one
//! worker, in none with two.

/// Worker threads of the library's runtime.
pub const WORKER_THREADS: usize = 2;

/// A multi-thread runtime builder with [`WORKER_THREADS`] workers named `plugwire-rt` and
/// every driver enabled.
pub fn builder() -> tokio::runtime::Builder {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder
        .worker_threads(WORKER_THREADS)
        .thread_name("plugwire-rt")
        .enable_all();
    builder
}
