//! Connectors: how a client reaches a server. The in-process connector talks to an
//! embedded server directly, with no serialisation.

use std::sync::Mutex;

use async_trait::async_trait;
use tokio::sync::mpsc;

use crate::server::{ButtplugServer, ServerError, Session};
use crate::spec::ButtplugError;
use crate::spec::message::{Request, Response, ServerEvent};
use std::sync::Arc;

/// What a connector reports besides replies.
#[derive(Clone, Debug, PartialEq)]
pub enum ConnectorEvent {
    Server(ServerEvent),
    /// The server or the transport went away.
    Disconnected,
}

/// A way to reach a Buttplug server.
#[async_trait]
pub trait Connector: Send + Sync {
    async fn send(&self, request: Request) -> Result<Response, ButtplugError>;
    /// Events from the server; can be taken once.
    fn take_events(&self) -> Option<mpsc::UnboundedReceiver<ConnectorEvent>>;
    async fn disconnect(&self);
}

/// Connects to a server in the same process.
pub struct InProcessConnector {
    session: Session,
    events: Mutex<Option<mpsc::UnboundedReceiver<ConnectorEvent>>>,
}

impl InProcessConnector {
    pub fn new(server: &Arc<ButtplugServer>) -> Result<InProcessConnector, ServerError> {
        let session = server.connect()?;
        let mut server_events = session.take_events().ok_or(ServerError::SessionActive)?;
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Some(e) = server_events.recv().await {
                if tx.send(ConnectorEvent::Server(e)).is_err() {
                    return;
                }
            }
            let _ = tx.send(ConnectorEvent::Disconnected);
        });
        Ok(InProcessConnector {
            session,
            events: Mutex::new(Some(rx)),
        })
    }
}

#[async_trait]
impl Connector for InProcessConnector {
    async fn send(&self, request: Request) -> Result<Response, ButtplugError> {
        self.session.handle(request).await
    }

    fn take_events(&self) -> Option<mpsc::UnboundedReceiver<ConnectorEvent>> {
        self.events.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    async fn disconnect(&self) {
        self.session.disconnect().await;
    }
}
