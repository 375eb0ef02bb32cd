//! Buttplug JSON over websocket, for every spec version: one session per connection, one
//! client at a time (a second gets an Error and is closed), malformed frames answered with
//! Error without closing, a frame-size limit, and websocket-level pings.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use crate::server::{ButtplugServer, ServerError};

/// Largest frame accepted from a client.
pub const MAX_FRAME_BYTES: usize = 1 << 20;
/// How often the server pings an idle connection at the websocket level.
const WS_PING_INTERVAL: Duration = Duration::from_secs(10);

/// A listening websocket server. Dropping it stops accepting connections.
pub struct WebsocketServer {
    local_addr: SocketAddr,
    accept: JoinHandle<()>,
}

impl Drop for WebsocketServer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

fn config() -> WebSocketConfig {
    WebSocketConfig {
        max_message_size: Some(MAX_FRAME_BYTES),
        max_frame_size: Some(MAX_FRAME_BYTES),
        ..Default::default()
    }
}

impl WebsocketServer {
    /// Listens on `addr` (port 0 picks a free port) and serves `server` to websocket clients.
    pub async fn start(
        server: Arc<ButtplugServer>,
        addr: SocketAddr,
    ) -> std::io::Result<WebsocketServer> {
        let listener = TcpListener::bind(addr).await?;
        let local_addr = listener.local_addr()?;
        let accept = tokio::spawn(async move {
            loop {
                match listener.accept().await {
                    Ok((stream, peer)) => {
                        let server = server.clone();
                        tokio::spawn(async move {
                            if let Err(e) = serve_connection(server, stream).await {
                                tracing::info!("websocket client {peer}: {e}");
                            }
                        });
                    }
                    Err(e) => {
                        tracing::warn!("accepting a websocket connection failed: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                }
            }
        });
        Ok(WebsocketServer { local_addr, accept })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }
}

async fn serve_connection(
    server: Arc<ButtplugServer>,
    stream: TcpStream,
) -> Result<(), tokio_tungstenite::tungstenite::Error> {
    let mut ws = tokio_tungstenite::accept_async_with_config(stream, Some(config())).await?;
    let mut session = match server.connect_json() {
        Ok(s) => s,
        Err(ServerError::SessionActive) => {
            let refusal = json!([{"Error": {"Id": 0, "ErrorCode": 1,
                "ErrorMessage": "another client is connected; this server takes one client at a time"}}]);
            ws.send(Message::text(refusal.to_string())).await?;
            ws.close(None).await?;
            return Ok(());
        }
        Err(e) => {
            ws.close(None).await?;
            return Err(tokio_tungstenite::tungstenite::Error::Io(
                std::io::Error::other(e.to_string()),
            ));
        }
    };
    let Some(mut events) = session.take_events() else {
        return Ok(());
    };
    let mut ping = tokio::time::interval(WS_PING_INTERVAL);
    ping.tick().await;
    let result = loop {
        tokio::select! {
            incoming = ws.next() => {
                let reply = match incoming {
                    Some(Ok(Message::Text(text))) => Some(session.handle_frame(&text).await),
                    Some(Ok(Message::Binary(_))) => Some(json!([{"Error": {"Id": 0, "ErrorCode": 3,
                        "ErrorMessage": "binary frames are not Buttplug messages; send JSON text"}}]).to_string()),
                    Some(Ok(Message::Close(_))) | None => break Ok(()),
                    Some(Ok(_)) => None, // ping/pong are answered by the websocket layer
                    Some(Err(e)) => break Err(e),
                };
                if let Some(reply) = reply {
                    if let Err(e) = ws.send(Message::text(reply)).await {
                        break Err(e);
                    }
                }
            }
            event = events.recv() => {
                let Some(event) = event else { break Ok(()) };
                if let Some(message) = session.encode_event(&event) {
                    if let Err(e) = ws.send(Message::text(json!([message]).to_string())).await {
                        break Err(e);
                    }
                }
            }
            _ = ping.tick() => {
                if let Err(e) = ws.send(Message::Ping(Vec::new())).await {
                    break Err(e);
                }
            }
        }
    };
    // Whatever ended the connection, the client's devices stop before the next client.
    session.disconnect().await;
    result
}
