//! Connectors: how a client reaches a server. The in-process connector talks to an
//! embedded server directly, with no serialisation.

use std::sync::Mutex;

use async_trait::async_trait;
use tokio::sync::mpsc;

use crate::bounded_events::DroppingSender;
use crate::server::{ButtplugServer, ResponseFuture, ServerError, Session};
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

/// Most connector events waiting for the client; beyond it events are dropped and
/// counted (the client then gets `EventsDropped`).
pub const CONNECTOR_EVENT_LIMIT: usize = 1024;

pub(crate) fn event_queue() -> (
    DroppingSender<ConnectorEvent>,
    mpsc::Receiver<ConnectorEvent>,
) {
    DroppingSender::channel(CONNECTOR_EVENT_LIMIT, |n| {
        ConnectorEvent::Server(ServerEvent::EventsDropped(n))
    })
}

/// A way to reach a Buttplug server.
#[async_trait]
pub trait Connector: Send + Sync {
    /// Submits a request. What decides its order happens before this returns (the
    /// in-process connector hands it to the session, the websocket connector queues its
    /// frame), so requests submitted one after another reach the server in that order
    /// without waiting for each other's replies. The future resolves with the reply.
    fn submit(&self, request: Request) -> ResponseFuture;

    async fn send(&self, request: Request) -> Result<Response, ButtplugError> {
        self.submit(request).await
    }

    /// Events from the server; can be taken once.
    fn take_events(&self) -> Option<mpsc::Receiver<ConnectorEvent>>;

    /// Submits a disconnect: like [`Connector::submit`], it takes its place in the order
    /// before this returns (nothing submitted later runs before it); the future resolves
    /// once the connection is closed (bounded).
    fn submit_disconnect(&self) -> Closing;

    async fn disconnect(&self) {
        self.submit_disconnect().await
    }
}

/// A disconnect on its way.
pub type Closing = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// Connects to a server in the same process.
pub struct InProcessConnector {
    session: Session,
    events: Mutex<Option<mpsc::Receiver<ConnectorEvent>>>,
}

impl InProcessConnector {
    pub fn new(server: &Arc<ButtplugServer>) -> Result<InProcessConnector, ServerError> {
        let session = server.connect()?;
        let mut server_events = session.take_events().ok_or(ServerError::SessionActive)?;
        let (tx, rx) = event_queue();
        tokio::spawn(async move {
            while let Some(e) = server_events.recv().await {
                if !tx.send(ConnectorEvent::Server(e)) {
                    return;
                }
            }
            tx.send(ConnectorEvent::Disconnected);
        });
        Ok(InProcessConnector {
            session,
            events: Mutex::new(Some(rx)),
        })
    }
}

#[async_trait]
impl Connector for InProcessConnector {
    fn submit(&self, request: Request) -> ResponseFuture {
        self.session.submit(request)
    }

    fn take_events(&self) -> Option<mpsc::Receiver<ConnectorEvent>> {
        self.events.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    fn submit_disconnect(&self) -> Closing {
        self.session.submit_disconnect()
    }
}
