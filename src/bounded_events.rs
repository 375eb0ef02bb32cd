//! A bounded event queue whose sender never waits: when the receiver falls behind, events
//! are dropped and counted, and before the next event that fits the receiver gets a notice
//! saying how many it missed. Used wherever events flow towards a client that may not read
//! them, so a slow or stuck reader costs a bounded amount of memory and never stalls the
//! sender.

use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;

pub(crate) struct DroppingSender<T> {
    tx: mpsc::Sender<T>,
    dropped: AtomicU64,
    notice: fn(u64) -> T,
}

impl<T> DroppingSender<T> {
    /// A queue of at most `limit` events; `notice(n)` tells the receiver `n` were dropped.
    pub(crate) fn channel(limit: usize, notice: fn(u64) -> T) -> (Self, mpsc::Receiver<T>) {
        let (tx, rx) = mpsc::channel(limit);
        (
            DroppingSender {
                tx,
                dropped: AtomicU64::new(0),
                notice,
            },
            rx,
        )
    }

    /// Queues `event`, or counts it as dropped when the queue is full. Returns false once
    /// the receiver is gone.
    pub(crate) fn send(&self, event: T) -> bool {
        let dropped = self.dropped.load(Ordering::Acquire);
        if dropped > 0 {
            match self.tx.try_send((self.notice)(dropped)) {
                Ok(()) => {
                    self.dropped.fetch_sub(dropped, Ordering::AcqRel);
                }
                Err(TrySendError::Full(_)) => {
                    self.dropped.fetch_add(1, Ordering::AcqRel);
                    return true;
                }
                Err(TrySendError::Closed(_)) => return false,
            }
        }
        match self.tx.try_send(event) {
            Ok(()) => true,
            Err(TrySendError::Full(_)) => {
                self.dropped.fetch_add(1, Ordering::AcqRel);
                true
            }
            Err(TrySendError::Closed(_)) => false,
        }
    }

    /// Counts events lost before they reached this sender (a lagging broadcast, say).
    pub(crate) fn count_dropped(&self, n: u64) {
        self.dropped.fetch_add(n, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_queue_drops_and_then_says_how_many() {
        let (tx, mut rx) = DroppingSender::channel(2, |n| -(n as i64));
        for i in 1..=5 {
            assert!(tx.send(i));
        }
        assert_eq!(rx.try_recv().unwrap(), 1);
        assert_eq!(rx.try_recv().unwrap(), 2);
        assert!(rx.try_recv().is_err());
        assert!(tx.send(6));
        assert_eq!(rx.try_recv().unwrap(), -3);
        assert_eq!(rx.try_recv().unwrap(), 6);
        drop(rx);
        assert!(!tx.send(7));
    }
}
