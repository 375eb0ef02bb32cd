//! A session that speaks Buttplug JSON: frames in, frames out, in the client's spec version.

use std::future::Future;
use std::pin::Pin;

use futures_util::FutureExt;
use futures_util::future::Either;
use serde_json::Value;
use smallvec::{SmallVec, smallvec};
use tokio::sync::mpsc;

use super::Session;
use super::frame_reply::{FrameReply, ok_reply};
use super::session::Pending;
use crate::spec::ButtplugError;
use crate::spec::frame::{self, Decoded, Plan, Reply, ReplyPlan, Requests};
use crate::spec::message::{Request, Response, ServerEvent};
use crate::spec::{JsonCodec, SpecVersion, typed};

pub struct JsonSession {
    session: Session,
    codec: JsonCodec,
}

/// The replies of one frame, in order: nearly always one, which needs no allocation.
pub type Replies = SmallVec<[Reply; 1]>;

/// The replies to one frame, on their way.
pub type FrameReplies = Pin<Box<dyn Future<Output = Replies> + Send>>;

impl JsonSession {
    pub fn new(session: Session) -> JsonSession {
        JsonSession {
            session,
            codec: JsonCodec::new(),
        }
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The session's events; render each with [`JsonSession::encode_event`].
    pub fn take_events(&self) -> Option<mpsc::Receiver<ServerEvent>> {
        self.session.take_events()
    }

    /// Submits every message of one text frame, in order, before returning (see
    /// [`Session::submit`]); the future resolves with the reply messages (one per message
    /// in the frame, in order). Bad input yields `Error` replies and never ends the
    /// session. A message with several outputs of one device (a v1-v3 `VibrateCmd` with
    /// several speeds, say) reaches the device as one batch.
    pub fn submit_text(&mut self, text: &str) -> FrameReplies {
        self.submit_counted(text).1.boxed()
    }

    /// [`JsonSession::submit_text`], also saying how many replies the future will hold
    /// (at most [`frame::MAX_MESSAGES_PER_FRAME`]): a transport bounds the replies it lets
    /// wait by this count.
    pub fn submit_counted(&mut self, text: &str) -> (usize, FrameReply) {
        // A well-formed v4 command frame skips the general decoder's `Value` of every
        // message (perf: parsing into `Value` and reading it back was the largest share of
        // the server's time per pipelined command); anything else takes the general one.
        if self.codec.version() == Some(SpecVersion::V4) {
            if let Some(messages) = typed::decode_v4_frame(text) {
                let count = messages.len();
                let replies = match messages.into_inner() {
                    // One message a frame, as nearly every client sends.
                    Ok([(id, plan)]) => self.submit_single(id, plan),
                    Err(messages) => {
                        let pending = messages
                            .into_iter()
                            .map(|(id, plan)| self.submit_one(Decoded { id, plan: Ok(plan) }))
                            .collect();
                        FrameReply::other(join_replies(pending))
                    }
                };
                return (count, replies);
            }
        }
        let (count, replies) = self.submit_general(text);
        (count, FrameReply::other(replies))
    }

    /// A frame of one message. A lone request answered with a plain `Ok` (a command, a
    /// stop: what clients pipeline) gets a reply that waits on the command's completion
    /// itself, with no future of its own (see [`FrameReply`]).
    fn submit_single(&mut self, id: u32, plan: Plan) -> FrameReply {
        let plan = match plan.requests.into_inner() {
            Ok([request]) if plan.reply == ReplyPlan::Ok => {
                return match self.session.submit_pending(request) {
                    Pending::One(device, completion) => FrameReply::command(id, device, completion),
                    Pending::Ready(result) => FrameReply::ready(smallvec![ok_reply(id, result)]),
                    pending => FrameReply::other(Box::pin(async move {
                        smallvec![ok_reply(id, pending.resolve().await)]
                    })),
                };
            }
            Ok(requests) => Plan {
                requests: Requests::from_buf(requests),
                reply: plan.reply,
            },
            Err(requests) => Plan {
                requests,
                reply: plan.reply,
            },
        };
        let only = self.submit_one(Decoded { id, plan: Ok(plan) });
        FrameReply::other(Box::pin(async move { smallvec![only.await] }))
    }

    /// [`JsonSession::submit_counted`] through the general decoder alone, whatever the
    /// frame: every frame the fast path does not take goes here. Public only so tests can
    /// check both give the same replies to the same frames.
    #[doc(hidden)]
    pub fn submit_general(&mut self, text: &str) -> (usize, FrameReplies) {
        let messages = match JsonCodec::split_frame(text) {
            Ok(m) => m,
            Err(e) => {
                return (
                    1,
                    Box::pin(std::future::ready(smallvec![
                        frame::encode_error(0, &e).into()
                    ])),
                );
            }
        };
        let count = messages.len();
        let dm = self.session.server().device_manager().clone();
        let lookup = move |index: u32| dm.device_info(index);
        // One at a time: a handshake earlier in the frame sets the version the rest is read with.
        let mut pending = Vec::with_capacity(count);
        for message in messages {
            let decoded = self.codec.decode_message(message, &lookup);
            pending.push(self.submit_one(decoded));
        }
        (count, join_replies(pending))
    }

    /// Submits one decoded message; the future resolves with its reply. Not boxed: a
    /// frame's futures are all of this one type, which holds one request's reply future
    /// once (a message of several requests waits in a box of its own). Its size matters:
    /// every frame's future is moved into its box byte by byte.
    fn submit_one(&mut self, decoded: Decoded) -> impl Future<Output = Reply> + Send + use<> {
        let Decoded { id, plan } = decoded;
        let plan = match plan {
            Ok(plan) => plan,
            Err(e) => return Either::Left(std::future::ready(frame::encode_error(id, &e).into())),
        };
        // Nearly every message is one request: its reply waits for one response, with no
        // lists around it.
        let requests = batched(plan.requests);
        let responses = match requests.into_inner() {
            Ok([only]) => Ok(self.session.submit_unboxed(only)),
            Err(requests) => Err(requests
                .into_iter()
                .map(|r| self.session.submit_unboxed(r))
                .collect::<Vec<_>>()),
        };
        // A handshake earlier in the frame sets the version the rest is read with.
        if self.codec.version().is_none() {
            if let Some(v) = self.session.version() {
                self.codec.set_version(v);
            }
        }
        let codec = self.codec.reply_encoder();
        let reply = plan.reply;
        let encode = move |responses: Result<&[Response], ButtplugError>| {
            responses
                .and_then(|r| codec.encode_reply(id, &reply, r))
                .unwrap_or_else(|e| frame::encode_error(id, &e).into())
        };
        match responses {
            Ok(one) => Either::Right(Either::Left(one.map(move |r| match r {
                Ok(response) => encode(Ok(std::slice::from_ref(&response))),
                Err(e) => encode(Err(e)),
            }))),
            Err(many) => Either::Right(Either::Right(Box::pin(async move {
                let mut done = Vec::with_capacity(many.len());
                for r in many {
                    match r.await {
                        Ok(response) => done.push(response),
                        Err(e) => return encode(Err(e)),
                    }
                }
                encode(Ok(&done))
            })
                as Pin<Box<dyn Future<Output = Reply> + Send>>)),
        }
    }

    /// Handles one text frame; returns the reply messages.
    pub async fn handle_text(&mut self, text: &str) -> Vec<Value> {
        let replies = self.submit_text(text).await;
        replies.into_iter().map(Reply::into_value).collect()
    }

    /// Like [`JsonSession::handle_text`], with the replies joined into one frame.
    pub async fn handle_frame(&mut self, text: &str) -> String {
        frame::reply_frame(&self.submit_text(text).await)
    }

    /// Renders an event for this client, or `None` if its spec version cannot say it.
    pub fn encode_event(&self, event: &ServerEvent) -> Option<Value> {
        let devices = self.session.server().device_manager().device_infos();
        self.codec.encode_event(event, &devices)
    }

    /// Ends the session (stops scanning and every device).
    pub async fn disconnect(&self) {
        self.session.disconnect().await;
    }
}

/// The replies of one frame's messages, in order.
fn join_replies<F: Future<Output = Reply> + Send + 'static>(pending: Vec<F>) -> FrameReplies {
    Box::pin(async move {
        let mut replies = Replies::with_capacity(pending.len());
        for p in pending {
            replies.push(p.await);
        }
        replies
    })
}

/// Folds consecutive single outputs of one device into one multi-output request, so the
/// entries of one message reach the device as one batch. The reply plan still sees one
/// response per original request.
fn batched(requests: Requests) -> Requests {
    if requests.len() < 2 {
        // Nothing to fold (a lone output is the same command as a batch of one).
        return requests;
    }
    let mut out = Requests::with_capacity(requests.len());
    for request in requests {
        let Request::Output {
            device,
            feature,
            command,
        } = request
        else {
            out.push(request);
            continue;
        };
        match out.last_mut() {
            Some(Request::Outputs {
                device: d,
                commands,
            }) if *d == device => commands.push((feature, command)),
            _ => out.push(Request::Outputs {
                device,
                commands: vec![(feature, command)],
            }),
        }
    }
    out
}
