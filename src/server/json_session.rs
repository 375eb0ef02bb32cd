//! A session that speaks Buttplug JSON: frames in, frames out, in the client's spec version.

use std::future::Future;
use std::pin::Pin;

use serde_json::Value;
use tokio::sync::mpsc;

use super::{ResponseFuture, Session};
use crate::spec::JsonCodec;
use crate::spec::frame::{self, Decoded};
use crate::spec::message::{Request, ServerEvent};

pub struct JsonSession {
    session: Session,
    codec: JsonCodec,
}

/// The replies to one frame, on their way.
pub type FrameReplies = Pin<Box<dyn Future<Output = Vec<Value>> + Send>>;

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
        self.submit_counted(text).1
    }

    /// [`JsonSession::submit_text`], also saying how many replies the future will hold
    /// (at most [`frame::MAX_MESSAGES_PER_FRAME`]): a transport bounds the replies it lets
    /// wait by this count.
    pub fn submit_counted(&mut self, text: &str) -> (usize, FrameReplies) {
        let messages = match JsonCodec::split_frame(text) {
            Ok(m) => m,
            Err(e) => {
                return (
                    1,
                    Box::pin(std::future::ready(vec![frame::encode_error(0, &e)])),
                );
            }
        };
        let count = messages.len();
        let dm = self.session.server().device_manager().clone();
        let lookup = move |index: u32| dm.device_info(index);
        let mut pending = Vec::with_capacity(messages.len());
        for message in messages {
            let Decoded { id, plan } = self.codec.decode_message(message, &lookup);
            let reply: Pin<Box<dyn Future<Output = Value> + Send>> = match plan {
                Err(e) => Box::pin(std::future::ready(frame::encode_error(id, &e))),
                Ok(plan) => {
                    let responses: Vec<ResponseFuture> = batched(plan.requests)
                        .into_iter()
                        .map(|r| self.session.submit(r))
                        .collect();
                    // A handshake earlier in the frame sets the version the rest is read with.
                    if self.codec.version().is_none() {
                        if let Some(v) = self.session.version() {
                            self.codec.set_version(v);
                        }
                    }
                    let codec = self.codec.reply_encoder();
                    let reply = plan.reply;
                    Box::pin(async move {
                        let mut done = Vec::with_capacity(responses.len());
                        for r in responses {
                            match r.await {
                                Ok(response) => done.push(response),
                                Err(e) => return frame::encode_error(id, &e),
                            }
                        }
                        codec
                            .encode_reply(id, &reply, &done)
                            .unwrap_or_else(|e| frame::encode_error(id, &e))
                    })
                }
            };
            pending.push(reply);
        }
        let replies: FrameReplies = Box::pin(async move {
            let mut replies = Vec::with_capacity(pending.len());
            for p in pending {
                replies.push(p.await);
            }
            replies
        });
        (count, replies)
    }

    /// Handles one text frame; returns the reply messages.
    pub async fn handle_text(&mut self, text: &str) -> Vec<Value> {
        self.submit_text(text).await
    }

    /// Like [`JsonSession::handle_text`], with the replies joined into one frame.
    pub async fn handle_frame(&mut self, text: &str) -> String {
        frame::frame(self.handle_text(text).await)
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

/// Folds consecutive single outputs of one device into one multi-output request, so the
/// entries of one message reach the device as one batch. The reply plan still sees one
/// response per original request.
fn batched(requests: Vec<Request>) -> Vec<Request> {
    let mut out: Vec<Request> = Vec::with_capacity(requests.len());
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
