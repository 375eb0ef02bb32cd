//! The runtime settings plugwire runs on: the C ABI's runtime (every binding), the
//! command line's `demo` and `play`, and the benchmarks that measure the library as a
//! host gets it all build their runtime here.
//!
//! One worker thread. plugwire's work is small and I/O-bound (a command is a few
//! microseconds), so one thread carries it with room to spare; what a second worker
//! costs is wake-ups. tokio hands its "searching" role on whenever a woken worker finds
//! work, so every burst that arrives from outside the runtime (a host's call, a player's
//! slot) woke both workers, and the second then woke the first again: four thread runs
//! instead of one. On a virtual machine whose CPUs sleep between bursts each run costs
//! tens of microseconds, more than the work (measured with `cargo bench --bench
//! playback`, six toys at a 20 ms gap: 0.60 % of a core with two workers, 0.40-0.50 %
//! with one). `plugwire serve`, a process serving many clients at once, keeps two.

/// Worker threads of the library's runtime.
pub const WORKER_THREADS: usize = 1;

/// A multi-thread runtime builder (so `block_in_place` and blocking pools behave as on
/// any tokio runtime) with [`WORKER_THREADS`] workers named `plugwire-rt` and every
/// driver enabled.
pub fn builder() -> tokio::runtime::Builder {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder
        .worker_threads(WORKER_THREADS)
        .thread_name("plugwire-rt")
        .enable_all();
    builder
}
