//! A session that speaks Buttplug JSON: frames in, frames out, in the client's spec version.

use serde_json::Value;
use tokio::sync::mpsc;

use super::Session;
use crate::spec::frame::{self, Decoded};
use crate::spec::message::{Response, ServerEvent};
use crate::spec::{ButtplugError, JsonCodec};

pub struct JsonSession {
    session: Session,
    codec: JsonCodec,
}

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
    pub fn take_events(&self) -> Option<mpsc::UnboundedReceiver<ServerEvent>> {
        self.session.take_events()
    }

    /// Handles one text frame; returns the reply messages (one per message in the frame,
    /// in order). Bad input yields `Error` replies and never ends the session.
    pub async fn handle_text(&mut self, text: &str) -> Vec<Value> {
        let dm = self.session.server().device_manager().clone();
        let lookup = move |index: u32| dm.device(index).map(|d| d.info().clone());
        let messages = match JsonCodec::split_frame(text) {
            Ok(m) => m,
            Err(e) => return vec![frame::encode_error(0, &e)],
        };
        let mut replies = Vec::with_capacity(messages.len());
        for message in messages {
            let Decoded { id, plan } = self.codec.decode_message(message, &lookup);
            let reply = match plan {
                Err(e) => frame::encode_error(id, &e),
                Ok(plan) => match self.run(&plan.requests).await {
                    Ok(responses) => {
                        if let Some(Response::ServerInfo { version, .. }) = responses.last() {
                            self.codec.set_version(*version);
                        }
                        self.codec
                            .encode_reply(id, &plan.reply, &responses)
                            .unwrap_or_else(|e| frame::encode_error(id, &e))
                    }
                    Err(e) => frame::encode_error(id, &e),
                },
            };
            replies.push(reply);
        }
        replies
    }

    /// Like [`JsonSession::handle_text`], with the replies joined into one frame.
    pub async fn handle_frame(&mut self, text: &str) -> String {
        frame::frame(self.handle_text(text).await)
    }

    async fn run(&self, requests: &[crate::spec::Request]) -> Result<Vec<Response>, ButtplugError> {
        let mut responses = Vec::with_capacity(requests.len());
        for request in requests {
            responses.push(self.session.handle(request.clone()).await?);
        }
        Ok(responses)
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
