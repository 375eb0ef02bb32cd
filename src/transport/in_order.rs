//! The replies of a connection's frames, in frame order, waited for one at a time.
//!
//! Only the oldest frame's reply is polled. Replies go out in frame order, so nothing
//! behind it could be sent before it anyway, and what a frame's requests must do in order
//! happened when they were submitted ([`Session::submit`]): a command is in its device's
//! mailbox, a stop queued, a read's query written. So a batch's completion wakes the one
//! frame at the front, not every frame waiting on it (futures' `FuturesOrdered` registered
//! a waker for each: hundreds woken and polled per batch, one allocation per frame); the
//! frames behind it are usually done by then and resolve on their first poll.
//!
//! [`Session::submit`]: crate::server::Session::submit

use std::collections::VecDeque;
use std::task::{Context, Poll};
#[cfg(test)]
use std::{future::Future, pin::Pin};

/// Frame replies waiting in order, each with how many messages it answers.
pub(crate) struct InOrder<F> {
    waiting: VecDeque<(F, usize)>,
}

impl<F> InOrder<F> {
    pub(crate) fn new() -> InOrder<F> {
        InOrder {
            waiting: VecDeque::new(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.waiting.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }

    pub(crate) fn push_back(&mut self, reply: F, messages: usize) {
        self.waiting.push_back((reply, messages));
    }

    /// The oldest reply, as `poll` gives it once it is ready, and its message count;
    /// `None` when none waits. Only the oldest is polled.
    pub(crate) fn poll_front_with<T>(
        &mut self,
        cx: &mut Context<'_>,
        poll: impl FnOnce(&mut F, &mut Context<'_>) -> Poll<T>,
    ) -> Poll<Option<(T, usize)>> {
        let Some((front, _)) = self.waiting.front_mut() else {
            return Poll::Ready(None);
        };
        let output = std::task::ready!(poll(front, cx));
        let messages = self.waiting.pop_front().map_or(0, |(_, n)| n);
        Poll::Ready(Some((output, messages)))
    }
}

#[cfg(test)]
impl<F: Future + Unpin> InOrder<F> {
    /// The oldest reply's output and message count once it is ready.
    fn next(&mut self) -> impl Future<Output = Option<(F::Output, usize)>> + '_ {
        std::future::poll_fn(move |cx| self.poll_front_with(cx, |f, cx| Pin::new(f).poll(cx)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use crate::counted_polls::Counted;

    type Reply = Pin<Box<dyn Future<Output = u32> + Send>>;

    /// Replies come out in the order they went in, whatever order they finish in, and a
    /// reply behind an unfinished one is not polled.
    #[test]
    fn replies_leave_in_order_and_only_the_front_is_polled() {
        let (first_tx, first_rx) = tokio::sync::oneshot::channel::<u32>();
        let front = Arc::new(AtomicUsize::new(0));
        let behind = Arc::new(AtomicUsize::new(0));
        let mut queue: InOrder<Reply> = InOrder::new();
        let first = Counted(Box::pin(first_rx.map(|r| r.unwrap_or(0))), front.clone());
        queue.push_back(Box::pin(first), 1);
        for i in 0..100 {
            let done = Counted(Box::pin(std::future::ready(1000 + i)), behind.clone());
            queue.push_back(Box::pin(done), 2);
        }
        assert_eq!(queue.len(), 101);
        assert!(queue.next().now_or_never().is_none());
        assert!(queue.next().now_or_never().is_none());
        assert_eq!(
            behind.load(Ordering::Relaxed),
            0,
            "a reply behind the front was polled"
        );
        first_tx.send(7).unwrap();
        assert_eq!(queue.next().now_or_never(), Some(Some((7, 1))));
        for i in 0..100 {
            assert_eq!(queue.next().now_or_never(), Some(Some((1000 + i, 2))));
        }
        assert_eq!(behind.load(Ordering::Relaxed), 100, "one poll each");
        assert!(queue.is_empty());
        assert_eq!(queue.next().now_or_never(), Some(None));
        assert_eq!(front.load(Ordering::Relaxed), 3);
    }
}
