//! Connects a client to a Buttplug server over websocket, speaking spec v4 JSON.
//!
//! Replies are matched to requests by Id; the server's pushed DeviceLists are turned into
//! device added/removed events by comparing with the last list seen.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
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

use super::connector::{Closing, Connector, ConnectorEvent, event_queue};
use crate::bounded_events::DroppingSender;
use crate::server::ResponseFuture;
use crate::spec::ButtplugError;
use crate::spec::message::{DeviceInfo, Request, Response, ServerEvent};
use crate::spec::v4::{ServerMessage, decode_server_message, encode_request};

type Sink = SplitSink<WebSocketStream<MaybeTlsStream<TcpStream>>, Message>;
type Pending = HashMap<u32, oneshot::Sender<Result<Response, ButtplugError>>>;

/// How long a request waits for its reply.
const REPLY_TIMEOUT: Duration = Duration::from_secs(30);
/// Most requests waiting for their replies; a request beyond it is refused at once.
pub const MAX_PENDING_REQUESTS: usize = 65_536;
/// Most frames waiting to be written to a server that is not reading; a request beyond it
/// is refused at once. The pending bound alone does not hold the queue: a request whose
/// reply timed out leaves the pending map but its frame may still be waiting.
pub const MAX_QUEUED_FRAMES: usize = 65_536;

struct Shared {
    pending: Mutex<Pending>,
    known: Mutex<BTreeMap<u32, DeviceInfo>>,
    /// Why the server closed the connection (close frame reason or its last Error).
    close_reason: Mutex<Option<String>>,
    /// Frames queued for the writer and not yet handed to the socket.
    queued: AtomicUsize,
}

use crate::poison::lock;

enum Outgoing {
    Frame(String),
    Close,
}

pub struct WebsocketConnector {
    out: mpsc::UnboundedSender<Outgoing>,
    shared: Arc<Shared>,
    next_id: AtomicU32,
    events: Mutex<Option<mpsc::Receiver<ConnectorEvent>>>,
    reader: tokio::task::JoinHandle<()>,
    writer: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Drop for WebsocketConnector {
    fn drop(&mut self) {
        self.reader.abort();
        if let Some(w) = lock(&self.writer).take() {
            w.abort();
        }
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
            close_reason: Mutex::new(None),
            queued: AtomicUsize::new(0),
        });
        let (tx, rx) = event_queue();
        let reader_shared = shared.clone();
        let reader = tokio::spawn(async move {
            while let Some(frame) = source.next().await {
                let text = match frame {
                    Ok(Message::Text(t)) => t,
                    Ok(Message::Close(close)) => {
                        if let Some(reason) = close.map(|c| c.reason.to_string()) {
                            if !reason.is_empty() {
                                *lock(&reader_shared.close_reason) = Some(reason);
                            }
                        }
                        break;
                    }
                    Err(_) => break,
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
            // Requests still waiting fail with the server's reason; the client learns the
            // server is gone.
            let reason = lock(&reader_shared.close_reason)
                .clone()
                .unwrap_or_else(|| "the server closed the connection".to_string());
            for (_, waiter) in lock(&reader_shared.pending).drain() {
                let _ = waiter.send(Err(ButtplugError::unknown(format!(
                    "connection lost: {reason}"
                ))));
            }
            tx.send(ConnectorEvent::Disconnected);
        });
        let (out, out_rx) = mpsc::unbounded_channel();
        let writer = tokio::spawn(write_frames(sink, out_rx, shared.clone()));
        Ok(WebsocketConnector {
            out,
            shared,
            next_id: AtomicU32::new(1),
            events: Mutex::new(Some(rx)),
            reader,
            writer: Mutex::new(Some(writer)),
        })
    }

    fn next_id(&self) -> u32 {
        loop {
            let id = self.next_id.fetch_add(1, Ordering::Relaxed);
            if id != 0 {
                return id;
            }
        }
    }
}

/// Writes queued frames in order, flushing when the queue runs dry (so a burst goes out
/// in few socket writes).
async fn write_frames(
    mut sink: Sink,
    mut frames: mpsc::UnboundedReceiver<Outgoing>,
    shared: Arc<Shared>,
) {
    while let Some(outgoing) = frames.recv().await {
        let result = match outgoing {
            Outgoing::Frame(text) => {
                let fed = sink.feed(Message::text(text)).await;
                shared.queued.fetch_sub(1, Ordering::Relaxed);
                match fed {
                    Ok(()) if frames.is_empty() => sink.flush().await,
                    other => other,
                }
            }
            Outgoing::Close => {
                let _ = sink.send(Message::Close(None)).await;
                let _ = sink.close().await;
                return;
            }
        };
        if let Err(e) = result {
            tracing::info!("websocket connection lost while writing: {e}");
            return;
        }
    }
}

fn route(shared: &Shared, events: &DroppingSender<ConnectorEvent>, message: ServerMessage) {
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
                events.send(ConnectorEvent::Server(ServerEvent::DeviceRemoved(*index)));
            }
            for (index, info) in &now {
                if known.get(index) != Some(info) {
                    events.send(ConnectorEvent::Server(ServerEvent::DeviceAdded(
                        info.clone(),
                    )));
                }
            }
            *known = now;
        }
        ServerMessage::Event(e) => {
            events.send(ConnectorEvent::Server(e));
        }
        ServerMessage::Error(e) => {
            tracing::warn!("server error: {e}");
            *lock(&shared.close_reason) = Some(e.message);
        }
    }
}

fn refused(message: impl Into<String>) -> ResponseFuture {
    Box::pin(std::future::ready(Err(ButtplugError::unknown(message))))
}

#[async_trait]
impl Connector for WebsocketConnector {
    fn submit(&self, request: Request) -> ResponseFuture {
        let waiting = {
            let mut pending = lock(&self.shared.pending);
            if pending.len() >= MAX_PENDING_REQUESTS {
                return refused(format!(
                    "{MAX_PENDING_REQUESTS} requests are already waiting for the server's replies"
                ));
            }
            if self.shared.queued.load(Ordering::Relaxed) >= MAX_QUEUED_FRAMES {
                return refused(format!(
                    "{MAX_QUEUED_FRAMES} frames are already waiting to be written: the server is not reading"
                ));
            }
            let messages = encode_request(&request, || self.next_id());
            let mut waiting = Vec::with_capacity(messages.len());
            let mut frame = Vec::with_capacity(messages.len());
            for (id, message) in messages {
                let (tx, rx) = oneshot::channel();
                pending.insert(id, tx);
                waiting.push((id, rx));
                frame.push(message);
            }
            // Queued under the lock: frames leave in the order requests were submitted.
            self.shared.queued.fetch_add(1, Ordering::Relaxed);
            if self
                .out
                .send(Outgoing::Frame(Value::Array(frame).to_string()))
                .is_err()
            {
                self.shared.queued.fetch_sub(1, Ordering::Relaxed);
                for (id, _) in &waiting {
                    pending.remove(id);
                }
                return refused("connection lost");
            }
            waiting
        };
        let shared = self.shared.clone();
        Box::pin(async move {
            let mut reply = Ok(Response::Ok);
            // A multi-message request (several outputs) answers with its first error.
            for (id, rx) in waiting {
                let r = match tokio::time::timeout(REPLY_TIMEOUT, rx).await {
                    Ok(Ok(r)) => r,
                    Ok(Err(_)) => Err(ButtplugError::unknown("connection lost before the reply")),
                    Err(_) => {
                        lock(&shared.pending).remove(&id);
                        Err(ButtplugError::unknown("no reply from the server in time"))
                    }
                };
                if reply.is_ok() {
                    reply = r;
                }
            }
            // The device list a reply carries is also the connector's view of the devices.
            if let Ok(Response::DeviceList(list)) = &reply {
                *lock(&shared.known) = list.iter().map(|d| (d.index, d.clone())).collect();
            }
            reply
        })
    }

    fn take_events(&self) -> Option<mpsc::Receiver<ConnectorEvent>> {
        lock(&self.events).take()
    }

    fn submit_disconnect(&self) -> Closing {
        // Queued behind every frame submitted before it.
        let _ = self.out.send(Outgoing::Close);
        let writer = lock(&self.writer).take();
        Box::pin(async move {
            if let Some(writer) = writer {
                let _ = tokio::time::timeout(Duration::from_secs(2), writer).await;
            }
        })
    }
}
