//! The replies to one frame, on their way, without a future or a box for the frame
//! clients pipeline most: one command whose reply is `Ok`.
//!
//! Such a frame waits on its command's [`Completion`] directly. A transport polls only
//! its oldest frame ([`crate::transport`]'s in-order queue), and a pipelined burst shares
//! one completion per device batch, so nearly every frame is answered by looking at its
//! completion's outcome once; only the frame at the front of a batch not yet written
//! waits, in a wait it makes then. Before, every frame carried a boxed chain of futures
//! (the session's reply, the encoding, the frame's list) that was built, moved and polled
//! through for each command.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use smallvec::smallvec;

use super::json_session::{FrameReplies, Replies};
use crate::device::{Completion, DeviceError};
use crate::spec::ButtplugError;
use crate::spec::frame::{self, Reply};
use crate::spec::message::Response;

type Wait = Pin<Box<dyn Future<Output = Result<(), DeviceError>> + Send>>;

/// The replies of one frame, in order; a future of [`Replies`].
pub struct FrameReply(Inner);

enum Inner {
    /// Message `id`'s one command, submitted to device `device`: `Ok` once its value (or a
    /// newer one) is written, else the error it ended with.
    Command {
        id: u32,
        device: u32,
        completion: Completion,
        /// Made only when the reply is polled before the command is done.
        wait: Option<Wait>,
    },
    /// Known at submission (a refusal, say); taken once.
    Ready(Option<Replies>),
    /// Anything else.
    Other(FrameReplies),
}

impl FrameReply {
    /// The `Ok` reply to message `id` once `completion` says its command reached device
    /// `device`.
    pub(crate) fn command(id: u32, device: u32, completion: Completion) -> FrameReply {
        FrameReply(Inner::Command {
            id,
            device,
            completion,
            wait: None,
        })
    }

    /// Replies already known.
    pub fn ready(replies: Replies) -> FrameReply {
        FrameReply(Inner::Ready(Some(replies)))
    }

    pub(crate) fn other(replies: FrameReplies) -> FrameReply {
        FrameReply(Inner::Other(replies))
    }

    /// As a boxed future, for callers that keep frames of every kind alike.
    pub fn boxed(self) -> FrameReplies {
        match self.0 {
            Inner::Other(replies) => replies,
            _ => Box::pin(self),
        }
    }
}

/// The reply to message `id` whose plan is a plain `Ok`, from its request's outcome.
pub(crate) fn ok_reply(id: u32, result: Result<Response, ButtplugError>) -> Reply {
    match result {
        Ok(_) => Reply::Ok(id),
        Err(e) => frame::encode_error(id, &e).into(),
    }
}

/// The outcome of the last batch a frame's reply waited for: the frames of one pipelined
/// burst share a batch, so each frame behind the first reads it here instead of taking its
/// completion's lock.
#[derive(Default)]
pub struct LastOutcome(Option<(Completion, Result<(), DeviceError>)>);

impl FrameReply {
    /// The outcome of a command's completion, once it has one.
    fn poll_outcome(
        completion: &Completion,
        wait: &mut Option<Wait>,
        last: &mut LastOutcome,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), DeviceError>> {
        if let Some((known, outcome)) = &last.0 {
            if known.same_batch(completion) {
                return Poll::Ready(outcome.clone());
            }
        }
        let outcome = match wait {
            Some(w) => std::task::ready!(w.as_mut().poll(cx)),
            None => match completion.outcome() {
                Some(outcome) => outcome,
                None => {
                    let w = wait.insert(Box::pin(completion.clone().wait()));
                    std::task::ready!(w.as_mut().poll(cx))
                }
            },
        };
        last.0 = Some((completion.clone(), outcome.clone()));
        Poll::Ready(outcome)
    }

    /// A command's one reply (`Ok`, or the error it ended with), once its completion
    /// has an outcome.
    fn poll_command(
        id: u32,
        device: u32,
        completion: &Completion,
        wait: &mut Option<Wait>,
        last: &mut LastOutcome,
        cx: &mut Context<'_>,
    ) -> Poll<Reply> {
        let outcome = std::task::ready!(Self::poll_outcome(completion, wait, last, cx));
        let result = super::device_manager::waited(device, outcome).map(|()| Response::Ok);
        Poll::Ready(ok_reply(id, result))
    }

    /// The frame's replies as the text of one frame, once they are all there; `last` is
    /// the connection's (see [`LastOutcome`]). What a transport sends: a command's `Ok` is
    /// written straight to its text.
    pub fn poll_frame(&mut self, cx: &mut Context<'_>, last: &mut LastOutcome) -> Poll<String> {
        match &mut self.0 {
            Inner::Command {
                id,
                device,
                completion,
                wait,
            } => Self::poll_command(*id, *device, completion, wait, last, cx)
                .map(|reply| frame::reply_frame(&[reply])),
            _ => Pin::new(self)
                .poll(cx)
                .map(|replies| frame::reply_frame(&replies)),
        }
    }
}

impl Future for FrameReply {
    type Output = Replies;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Replies> {
        match &mut self.0 {
            Inner::Command {
                id,
                device,
                completion,
                wait,
            } => {
                let last = &mut LastOutcome::default();
                Self::poll_command(*id, *device, completion, wait, last, cx)
                    .map(|reply| smallvec![reply])
            }
            Inner::Ready(replies) => Poll::Ready(replies.take().unwrap_or_default()),
            Inner::Other(replies) => replies.as_mut().poll(cx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt;

    use crate::device::mailbox::done_and_completion;

    /// A command's reply waits for its completion, polled or not before it finishes, and
    /// a failed write is the message's error.
    #[test]
    fn a_command_reply_follows_its_completion() {
        let (done, completion) = done_and_completion();
        let mut early = FrameReply::command(7, 0, completion.clone());
        let late = FrameReply::command(8, 0, completion);
        assert!((&mut early).now_or_never().is_none(), "not written yet");
        done.finish(Ok(()));
        assert_eq!(early.now_or_never(), Some(smallvec![Reply::Ok(7)]));
        assert_eq!(late.now_or_never(), Some(smallvec![Reply::Ok(8)]));

        let (done, completion) = done_and_completion();
        let failed = FrameReply::command(9, 3, completion);
        done.finish(Err(DeviceError::Removed));
        let replies = failed.now_or_never().expect("done");
        let expected = ButtplugError::from(DeviceError::Removed);
        assert_eq!(
            replies
                .into_iter()
                .map(Reply::into_value)
                .collect::<Vec<_>>(),
            vec![frame::encode_error(9, &expected)]
        );
    }

    /// Frames of one batch answered as text, the ones behind the first from the
    /// connection's last outcome; a frame of another batch waits for its own.
    #[test]
    fn frames_of_one_batch_share_its_outcome_and_another_batch_waits() {
        let waker = futures_util::task::noop_waker();
        let mut cx = Context::from_waker(&waker);
        let mut last = LastOutcome::default();
        let (done, completion) = done_and_completion();
        let (next_done, next_batch) = done_and_completion();
        let mut first = FrameReply::command(1, 0, completion.clone());
        let mut second = FrameReply::command(2, 0, completion);
        let mut third = FrameReply::command(3, 0, next_batch);
        assert!(first.poll_frame(&mut cx, &mut last).is_pending());
        done.finish(Err(DeviceError::Removed));
        let failed = ButtplugError::from(DeviceError::Removed);
        let error = |id| frame::frame(&[frame::encode_error(id, &failed)]);
        assert_eq!(first.poll_frame(&mut cx, &mut last), Poll::Ready(error(1)));
        assert_eq!(second.poll_frame(&mut cx, &mut last), Poll::Ready(error(2)));
        assert!(
            third.poll_frame(&mut cx, &mut last).is_pending(),
            "another batch's outcome is its own"
        );
        next_done.finish(Ok(()));
        assert_eq!(
            third.poll_frame(&mut cx, &mut last),
            Poll::Ready(r#"[{"Ok":{"Id":3}}]"#.to_string())
        );
    }

    /// A device task that ends without an outcome fails the reply (it does not hang).
    #[test]
    fn a_completion_dropped_unfinished_fails_the_reply() {
        let (done, completion) = done_and_completion();
        let mut reply = FrameReply::command(5, 0, completion);
        assert!((&mut reply).now_or_never().is_none());
        drop(done);
        let replies = reply.now_or_never().expect("failed, not pending");
        assert!(matches!(replies[0], Reply::Json(_)), "{replies:?}");
    }
}
