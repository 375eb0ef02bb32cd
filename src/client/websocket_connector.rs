//! Connects a client to a Buttplug server over websocket, speaking spec v4 JSON.
//!
//! Replies are matched to requests by Id; the server's pushed DeviceLists are turned into
//! device added/removed events by comparing with the last list seen.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::connector::{Connector, ConnectorEvent};
use crate::spec::ButtplugError;
use crate::spec::message::{DeviceInfo, Request, Response, ServerEvent};
use crate::spec::v4::{ServerMessage, decode_server_message, encode_request};

type Sink = SplitSink<WebSocketStream<MaybeTlsStream<TcpStream>>, Message>;
type Pending = HashMap<u32, oneshot::Sender<Result<Response, ButtplugError>>>;

/// How long a request waits for its reply.
const REPLY_TIMEOUT: Duration = Duration::from_secs(30);

struct Shared {
    pending: Mutex<Pending>,
    known: Mutex<BTreeMap<u32, DeviceInfo>>,
}

use crate::poison::lock;

pub struct WebsocketConnector {
    sink: tokio::sync::Mutex<Sink>,
    shared: Arc<Shared>,
    next_id: AtomicU32,
    events: Mutex<Option<mpsc::UnboundedReceiver<ConnectorEvent>>>,
    reader: tokio::task::JoinHandle<()>,
}

impl Drop for WebsocketConnector {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

impl WebsocketConnector {
    /// Opens the websocket (e.g. `ws://127.0.0.1:12345`). A refused connection is an error
    /// naming the address.
    pub async fn connect(url: &str) -> Result<WebsocketConnector, String> {
        let (stream, _) = tokio_tungstenite::connect_async(url)
            .await
            .map_err(|e| format!("cannot connect to {url}: {e}"))?;
        let (sink, mut source) = stream.split();
        let shared = Arc::new(Shared {
            pending: Mutex::new(HashMap::new()),
            known: Mutex::new(BTreeMap::new()),
        });
        let (tx, rx) = mpsc::unbounded_channel();
        let reader_shared = shared.clone();
        let reader = tokio::spawn(async move {
            while let Some(frame) = source.next().await {
                let text = match frame {
                    Ok(Message::Text(t)) => t,
                    Ok(Message::Close(_)) | Err(_) => break,
                    Ok(_) => continue,
                };
                let Ok(messages) = serde_json::from_str::<Vec<Value>>(&text) else {
                    tracing::warn!("server sent a frame that is not a JSON array");
                    continue;
                };
                for m in messages {
                    match decode_server_message(&m) {
                        Ok(message) => route(&reader_shared, &tx, message),
                        Err(e) => tracing::warn!("cannot read server message: {e}"),
                    }
                }
            }
            // Requests still waiting fail; the client learns the server is gone.
            lock(&reader_shared.pending).clear();
            let _ = tx.send(ConnectorEvent::Disconnected);
        });
        Ok(WebsocketConnector {
            sink: tokio::sync::Mutex::new(sink),
            shared,
            next_id: AtomicU32::new(1),
            events: Mutex::new(Some(rx)),
            reader,
        })
    }
}

fn route(shared: &Shared, events: &mpsc::UnboundedSender<ConnectorEvent>, message: ServerMessage) {
    match message {
        ServerMessage::Reply(id, result) => {
            if let Some(waiter) = lock(&shared.pending).remove(&id) {
                let _ = waiter.send(result);
            }
        }
        ServerMessage::DeviceList(list) => {
            let mut known = lock(&shared.known);
            let now: BTreeMap<u32, DeviceInfo> = list.into_iter().map(|d| (d.index, d)).collect();
            for index in known.keys().filter(|i| !now.contains_key(i)) {
                let _ = events.send(ConnectorEvent::Server(ServerEvent::DeviceRemoved(*index)));
            }
            for (index, info) in &now {
                if known.get(index) != Some(info) {
                    let _ = events.send(ConnectorEvent::Server(ServerEvent::DeviceAdded(
                        info.clone(),
                    )));
                }
            }
            *known = now;
        }
        ServerMessage::Event(e) => {
            let _ = events.send(ConnectorEvent::Server(e));
        }
        ServerMessage::Error(e) => tracing::warn!("server error: {e}"),
    }
}

#[async_trait]
impl Connector for WebsocketConnector {
    async fn send(&self, request: Request) -> Result<Response, ButtplugError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed).max(1);
        let frame = Value::Array(vec![encode_request(id, &request)]).to_string();
        let (tx, rx) = oneshot::channel();
        lock(&self.shared.pending).insert(id, tx);
        if let Err(e) = self.sink.lock().await.send(Message::text(frame)).await {
            lock(&self.shared.pending).remove(&id);
            return Err(ButtplugError::unknown(format!("connection lost: {e}")));
        }
        let reply = match tokio::time::timeout(REPLY_TIMEOUT, rx).await {
            Ok(Ok(reply)) => reply,
            Ok(Err(_)) => Err(ButtplugError::unknown("connection lost before the reply")),
            Err(_) => {
                lock(&self.shared.pending).remove(&id);
                Err(ButtplugError::unknown("no reply from the server in time"))
            }
        };
        // The device list a reply carries is also the connector's view of the devices.
        if let Ok(Response::DeviceList(list)) = &reply {
            *lock(&self.shared.known) = list.iter().map(|d| (d.index, d.clone())).collect();
        }
        reply
    }

    fn take_events(&self) -> Option<mpsc::UnboundedReceiver<ConnectorEvent>> {
        lock(&self.events).take()
    }

    async fn disconnect(&self) {
        let mut sink = self.sink.lock().await;
        let _ = sink.send(Message::Close(None)).await;
        let _ = sink.close().await;
    }
}
