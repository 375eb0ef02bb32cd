//! Locking that survives poisoning: a panic in one task must not wedge every later user
//! of shared state (and nothing may panic across the C ABI).

use std::sync::{Mutex, MutexGuard};

/// Locks `m`, taking the data even if a panicking holder poisoned it.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
