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
                let result = super::device_manager::waited(*device, outcome).map(|()| Response::Ok);
                Poll::Ready(smallvec![ok_reply(*id, result)])
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
