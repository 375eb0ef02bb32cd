//! Repeater mode (`plugwire serve --repeater`): a websocket relay. Each connection
//! accepted on the local port gets its own connection to the remote server, and frames
//! go across both ways unchanged, with the server's rules on both legs: frames larger
//! than [`MAX_FRAME_BYTES`] close the connection, a side heard nothing from (not even a
//! pong) for `pong_timeout` or that does not take a frame within it is dropped, and when
//! either side goes the other is closed (so the remote server stops the devices of a
//! client that vanished).
//!
//! [`MAX_FRAME_BYTES`]: super::MAX_FRAME_BYTES

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{self, Message};

use super::remote_client::with_scheme;
use super::websocket_server::{WebsocketOptions, accept_websocket, frame_limits, within};

/// A listening repeater. Dropping it stops accepting; [`Repeater::shutdown`] also closes
/// the relayed connections.
pub struct Repeater {
    local_addr: SocketAddr,
    remote: String,
    stop: Arc<Notify>,
    accept: Option<JoinHandle<JoinSet<()>>>,
}

impl Drop for Repeater {
    fn drop(&mut self) {
        if let Some(accept) = &self.accept {
            accept.abort();
        }
    }
}

impl Repeater {
    /// Listens on `listen` and relays each connection to `remote` (`ws://` is added when
    /// missing). `options` gives the liveness bounds, handshake time and token.
    pub async fn start(
        listen: SocketAddr,
        remote: &str,
        options: WebsocketOptions,
    ) -> std::io::Result<Repeater> {
        let listener = TcpListener::bind(listen).await?;
        let local_addr = listener.local_addr()?;
        let remote = with_scheme(remote);
        let relayed = remote.clone();
        let stop = Arc::new(Notify::new());
        let stopped = stop.clone();
        let accept = tokio::spawn(async move {
            let mut relays = JoinSet::new();
            loop {
                let accepted = tokio::select! {
                    _ = stopped.notified() => return relays,
                    a = listener.accept() => a,
                };
                while relays.try_join_next().is_some() {}
                match accepted {
                    Ok((stream, peer)) => {
                        let remote = remote.clone();
                        let options = options.clone();
                        relays.spawn(async move {
                            if let Err(e) = relay(stream, peer, &remote, &options).await {
                                tracing::info!("repeater connection from {peer}: {e}");
                            }
                        });
                    }
                    Err(e) => {
                        tracing::warn!("accepting a repeater connection failed: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                }
            }
        });
        Ok(Repeater {
            local_addr,
            remote: relayed,
            stop,
            accept: Some(accept),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The server connections are relayed to (`ws://...`).
    pub fn remote(&self) -> &str {
        &self.remote
    }

    /// Stops accepting and closes every relayed connection (both legs).
    pub async fn shutdown(mut self) {
        self.stop.notify_one();
        if let Some(accept) = self.accept.take() {
            if let Ok(mut relays) = accept.await {
                relays.abort_all();
                while relays.join_next().await.is_some() {}
            }
        }
    }
}

fn close(code: CloseCode, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.chars().take(120).collect::<String>().into(),
    }))
}

async fn relay(
    stream: TcpStream,
    peer: SocketAddr,
    remote: &str,
    options: &WebsocketOptions,
) -> Result<(), tungstenite::Error> {
    let deadline = Instant::now() + options.handshake_timeout;
    let client = accept_websocket(stream, peer, options.auth.as_ref(), deadline).await?;
    let (mut to_client, mut from_client) = client.split();
    let dialled = tokio::time::timeout_at(
        deadline,
        tokio_tungstenite::connect_async_with_config(remote, Some(frame_limits()), true),
    )
    .await;
    let server = match dialled {
        Ok(Ok((server, _))) => server,
        failed => {
            let why = match failed {
                Ok(Err(e)) => format!("cannot reach the server at {remote}: {e}"),
                _ => format!("the server at {remote} did not answer in time"),
            };
            tracing::warn!("repeater: {why}");
            let _ = within(
                options.pong_timeout,
                to_client.send(close(CloseCode::Error, &why)),
            )
            .await;
            return Ok(());
        }
    };
    let (mut to_server, mut from_server) = server.split();
    let bound = options.pong_timeout;
    let mut client_heard = Instant::now();
    let mut server_heard = Instant::now();
    let mut ping = tokio::time::interval(options.ping_interval);
    ping.tick().await;
    let result = loop {
        tokio::select! {
            m = from_client.next() => {
                client_heard = Instant::now();
                match m {
                    Some(Ok(m @ (Message::Text(_) | Message::Binary(_)))) => {
                        if let Err(e) = within(bound, to_server.send(m)).await { break Err(e) }
                    }
                    Some(Ok(Message::Close(_))) | None => break Ok(()),
                    Some(Ok(_)) => {}
                    Some(Err(e)) => break Err(e),
                }
            }
            m = from_server.next() => {
                server_heard = Instant::now();
                match m {
                    Some(Ok(m @ (Message::Text(_) | Message::Binary(_)))) => {
                        if let Err(e) = within(bound, to_client.send(m)).await { break Err(e) }
                    }
                    Some(Ok(Message::Close(frame))) => {
                        // The server's reason reaches the client.
                        let _ = within(bound, to_client.send(Message::Close(frame))).await;
                        return Ok(());
                    }
                    None => break Ok(()),
                    Some(Ok(_)) => {}
                    Some(Err(e)) => break Err(e),
                }
            }
            _ = ping.tick() => {
                if client_heard.elapsed() >= options.pong_timeout {
                    break Err(tungstenite::Error::Io(std::io::Error::new(std::io::ErrorKind::TimedOut, "the client went silent")));
                }
                if server_heard.elapsed() >= options.pong_timeout {
                    let _ = within(bound, to_client.send(close(CloseCode::Away, "the server went silent"))).await;
                    return Ok(());
                }
                if let Err(e) = within(bound, to_client.send(Message::Ping(Vec::new()))).await { break Err(e) }
                if let Err(e) = within(bound, to_server.send(Message::Ping(Vec::new()))).await { break Err(e) }
            }
        }
    };
    // The client is gone (or misbehaved): the server learns at once and stops its devices.
    let _ = within(
        Duration::from_millis(500),
        to_server.send(close(CloseCode::Away, "the client left the repeater")),
    )
    .await;
    let _ = within(
        Duration::from_millis(500),
        to_client.send(close(CloseCode::Away, "repeater connection closed")),
    )
    .await;
    result
}
