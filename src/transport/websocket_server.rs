//! Buttplug JSON over websocket, for every spec version: one session per connection, one
//! client at a time, malformed frames answered with Error without closing.
//!
//! Frames are pipelined: each frame's messages are submitted to the session as soon as it
//! is read (in order), and the next frame is read without waiting for the previous one's
//! device writes; replies go back in frame order as they complete. So a client sending
//! commands faster than a toy's message gap builds no queue anywhere: commands coalesce in
//! the device task and the newest value reaches the toy within one gap.
//!
//! Liveness: the server pings every `ping_interval`; a client from which nothing (not even
//! a pong) was heard for `pong_timeout`, or that does not take what the server sends
//! within it, is dropped and its devices stopped. A connection must complete the
//! websocket handshake and send `RequestServerInfo` within `handshake_timeout`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{FutureExt, SinkExt, StreamExt};
use serde_json::{Value, json};
use smallvec::smallvec;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::Instant;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::tungstenite::{self, Message};

use super::auth::AuthToken;
use super::in_order::InOrder;
use crate::server::{ButtplugServer, Ending, FrameReply, LastOutcome, ServerError};
pub use crate::spec::frame::MAX_MESSAGES_PER_FRAME;
use crate::spec::frame::{self, Reply};

/// Frames a connection reads in one go, when they are there, before it looks at its
/// replies, events and timers again.
const FRAMES_PER_READ: usize = 64;

/// Largest frame accepted from a client.
pub const MAX_FRAME_BYTES: usize = 1 << 20;

/// How a websocket server treats its connections.
#[derive(Clone, Debug)]
pub struct WebsocketOptions {
    /// How often the server pings a connection at the websocket level.
    pub ping_interval: Duration,
    /// A client heard nothing from (no frame, no pong) for this long is dropped and its
    /// devices stopped; so is one that does not take a frame the server sends within it.
    pub pong_timeout: Duration,
    /// Time for the websocket handshake plus `RequestServerInfo`.
    pub handshake_timeout: Duration,
    /// Frames whose replies may be outstanding at once; beyond it the server reads no
    /// further frame until replies complete (they do within one message gap).
    pub max_frames_in_flight: usize,
    /// Messages whose replies may be outstanding at once, counted over all waiting frames
    /// (a frame holds at most [`MAX_MESSAGES_PER_FRAME`]); beyond it the server reads no
    /// further frame until replies go out. With the frame size limit this bounds the memory
    /// one connection can hold in pending work and replies.
    pub max_messages_in_flight: usize,
    /// The idle policy, for servers whose `MaxPingTime` is 0 (with it on, the Buttplug
    /// ping watchdog decides): after the handshake, a connection from which no frame came
    /// for this long while no device is running ([`DeviceManager::any_device_running`])
    /// is closed (1008, with the reason). A toy running on the client's last commands
    /// keeps the connection however long it is quiet. `None` (the default): never.
    ///
    /// [`DeviceManager::any_device_running`]: crate::server::DeviceManager::any_device_running
    pub idle_timeout: Option<Duration>,
    /// The bearer token connections from other machines must present on the websocket
    /// handshake (HTTP 401 without it). `None` (the default): no token.
    pub auth: Option<AuthToken>,
    /// Connections that may be open at once besides the client being served: those still
    /// in their handshake and those being refused (another client is served). A
    /// connection beyond it is closed as soon as it is accepted, before anything is read.
    pub max_waiting_connections: usize,
}

/// Default for [`WebsocketOptions::max_waiting_connections`].
pub const MAX_WAITING_CONNECTIONS: usize = 32;

impl Default for WebsocketOptions {
    fn default() -> Self {
        WebsocketOptions {
            ping_interval: Duration::from_secs(5),
            pong_timeout: Duration::from_secs(10),
            handshake_timeout: Duration::from_secs(10),
            max_frames_in_flight: 4096,
            max_messages_in_flight: 4096,
            idle_timeout: None,
            auth: None,
            max_waiting_connections: MAX_WAITING_CONNECTIONS,
        }
    }
}

/// A listening websocket server. Dropping it stops accepting connections; call
/// [`WebsocketServer::shutdown`] for an orderly stop.
pub struct WebsocketServer {
    local_addr: SocketAddr,
    server: Arc<ButtplugServer>,
    accept: Option<JoinHandle<JoinSet<()>>>,
    stop_accepting: Arc<tokio::sync::Notify>,
}

impl Drop for WebsocketServer {
    fn drop(&mut self) {
        if let Some(accept) = &self.accept {
            accept.abort();
        }
    }
}

/// The frame limits of every websocket plugwire serves, dials or relays.
pub(crate) fn frame_limits() -> WebSocketConfig {
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
        Self::start_with(server, addr, WebsocketOptions::default()).await
    }

    pub async fn start_with(
        server: Arc<ButtplugServer>,
        addr: SocketAddr,
        options: WebsocketOptions,
    ) -> std::io::Result<WebsocketServer> {
        let listener = TcpListener::bind(addr).await?;
        let local_addr = listener.local_addr()?;
        let stop_accepting = Arc::new(tokio::sync::Notify::new());
        let stop = stop_accepting.clone();
        let served = server.clone();
        let waiting = Arc::new(tokio::sync::Semaphore::new(options.max_waiting_connections));
        let accept = tokio::spawn(async move {
            let mut connections = JoinSet::new();
            loop {
                let accepted = tokio::select! {
                    _ = stop.notified() => return connections,
                    a = listener.accept() => a,
                };
                // Finished connections leave the set as we go.
                while connections.try_join_next().is_some() {}
                match accepted {
                    Ok((stream, peer)) => {
                        let Ok(slot) = waiting.clone().try_acquire_owned() else {
                            tracing::warn!(
                                "websocket client {peer} refused: {} connections are already waiting",
                                options.max_waiting_connections
                            );
                            drop(stream);
                            continue;
                        };
                        let server = served.clone();
                        let options = options.clone();
                        connections.spawn(async move {
                            if let Err(e) =
                                serve_connection(server, stream, peer, &options, slot).await
                            {
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
        Ok(WebsocketServer {
            local_addr,
            server,
            accept: Some(accept),
            stop_accepting,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Stops in the safe order: no new connection, then no session accepts another
    /// command and every device is stopped ([`ButtplugServer::shutdown`]), then the
    /// connections close (code 1001) and this returns. Bounded by the server's stop
    /// timeout plus a moment for the connections to close.
    pub async fn shutdown(mut self) {
        self.stop_accepting.notify_one();
        self.server.shutdown().await;
        let bound = self.server.stop_timeout();
        let accept = self.accept.take();
        let closing = async {
            if let Some(Ok(mut connections)) = match accept {
                Some(a) => Some(a.await),
                None => None,
            } {
                while connections.join_next().await.is_some() {}
            }
        };
        if tokio::time::timeout(bound, closing).await.is_err() {
            tracing::warn!("websocket connections did not close in time");
        }
    }
}

/// What a websocket connection can run over: an accepted socket, or one the server
/// opened (remote-client mode).
pub(crate) trait Link: AsyncRead + AsyncWrite + Unpin + Send + 'static {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Link for T {}

fn close_frame(code: CloseCode, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.to_string().into(),
    }))
}

/// Accepts the websocket handshake of a connection from `peer` within `deadline`,
/// refusing it with HTTP 401 when `auth` asks for a token it does not present.
pub(crate) async fn accept_websocket(
    stream: TcpStream,
    peer: SocketAddr,
    auth: Option<&AuthToken>,
    deadline: Instant,
) -> Result<WebSocketStream<TcpStream>, tungstenite::Error> {
    // Replies are small and latency matters more than packing them (Nagle would hold a
    // reply until the client's delayed ACK).
    if let Err(e) = stream.set_nodelay(true) {
        tracing::debug!("cannot set TCP_NODELAY: {e}");
    }
    // The Err type is tungstenite's (an HTTP response), fixed by its callback signature.
    #[allow(clippy::result_large_err)]
    let check = |request: &tungstenite::handshake::server::Request,
                 response: tungstenite::handshake::server::Response| {
        let Some(auth) = auth else {
            return Ok(response);
        };
        let header = request
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok());
        match auth.check(peer.ip(), header, request.uri().query()) {
            Ok(()) => Ok(response),
            Err(refusal) => {
                tracing::warn!("websocket connection from {peer} refused: {refusal}");
                let body = json!({"error": refusal.to_string()}).to_string();
                let mut refused = tungstenite::handshake::server::ErrorResponse::new(Some(body));
                *refused.status_mut() = tungstenite::http::StatusCode::UNAUTHORIZED;
                refused.headers_mut().insert(
                    "www-authenticate",
                    tungstenite::http::HeaderValue::from_static("Bearer"),
                );
                refused.headers_mut().insert(
                    "content-type",
                    tungstenite::http::HeaderValue::from_static("application/json"),
                );
                Err(refused)
            }
        }
    };
    match tokio::time::timeout_at(
        deadline,
        tokio_tungstenite::accept_hdr_async_with_config(stream, check, Some(frame_limits())),
    )
    .await
    {
        Ok(ws) => ws,
        Err(_) => Err(tungstenite::Error::Io(std::io::Error::other(
            "no websocket handshake in time",
        ))),
    }
}

/// Serves one accepted connection; `waiting` is its place among the waiting connections,
/// given up once it is the client being served.
async fn serve_connection(
    server: Arc<ButtplugServer>,
    stream: TcpStream,
    peer: SocketAddr,
    options: &WebsocketOptions,
    waiting: tokio::sync::OwnedSemaphorePermit,
) -> Result<(), tungstenite::Error> {
    let handshake_deadline = Instant::now() + options.handshake_timeout;
    let ws = accept_websocket(stream, peer, options.auth.as_ref(), handshake_deadline).await?;
    serve_websocket(server, ws, options, handshake_deadline, Some(waiting)).await
}

/// Serves one Buttplug session over an open websocket (accepted, or opened by the
/// server in remote-client mode) until it ends; the session's devices are stopped then.
pub(crate) async fn serve_websocket<S: Link>(
    server: Arc<ButtplugServer>,
    ws: WebSocketStream<S>,
    options: &WebsocketOptions,
    handshake_deadline: Instant,
    waiting: Option<tokio::sync::OwnedSemaphorePermit>,
) -> Result<(), tungstenite::Error> {
    // One task reads and writes, so the stream is not split: a split stream takes a lock
    // (and registers a waker) on every read and every write.
    let mut ws = ws;
    let mut session = match server.connect_json() {
        Ok(s) => s,
        Err(ServerError::SessionActive) => {
            return refuse(
                &mut ws,
                handshake_deadline,
                "another client is connected; this server takes one client at a time",
                CloseCode::Again,
            )
            .await;
        }
        Err(ServerError::ShuttingDown) => {
            return refuse(
                &mut ws,
                handshake_deadline,
                "the server is shutting down",
                CloseCode::Away,
            )
            .await;
        }
        Err(e) => {
            let _ = ws.send(close_frame(CloseCode::Error, &e.to_string())).await;
            return Err(tungstenite::Error::Io(std::io::Error::other(e.to_string())));
        }
    };
    drop(waiting);
    let Some(mut events) = session.take_events() else {
        return Ok(());
    };
    let mut ending = session.session().ending();
    // Each frame's replies, with how many messages they answer, in frame order.
    let mut replies: InOrder<FrameReply> = InOrder::new();
    let mut last_outcome = LastOutcome::default();
    let mut messages_in_flight = 0usize;
    let mut last_heard = Instant::now();
    // The idle policy: when a quiet connection is looked at next.
    let idle_timeout = options
        .idle_timeout
        .filter(|_| server.max_ping_time_ms() == 0);
    let mut idle_check = idle_timeout.map(|t| Instant::now() + t);
    let mut ping = tokio::time::interval(options.ping_interval);
    ping.tick().await;
    let send_bound = options.pong_timeout;
    // Once the handshake is done it stays done: no lock of the session's state per frame.
    let mut awaiting_handshake = true;
    let result: Result<(), tungstenite::Error> = 'serve: loop {
        awaiting_handshake = awaiting_handshake && session.session().version().is_none();
        let has_room = |replies: &InOrder<FrameReply>, messages_in_flight: usize| {
            replies.len() < options.max_frames_in_flight
                && messages_in_flight < options.max_messages_in_flight
        };
        tokio::select! {
            biased;
            changed = ending.changed() => {
                if changed.is_err() || *ending.borrow() == Ending::ShutDown {
                    let _ = send_bounded(&mut ws, close_frame(CloseCode::Away, "the server is shutting down"), send_bound).await;
                    break Ok(());
                }
            }
            incoming = ws.next(), if has_room(&replies, messages_in_flight) => {
                last_heard = Instant::now();
                // This frame and those already read behind it, up to a bound, without going
                // round the select (perf: its futures, built and dropped per frame, and a
                // clock read per frame were ~10 % of a pipelined command's instructions).
                let mut incoming = incoming;
                let mut taken = 0;
                loop {
                    if let (Some(t), Some(Ok(Message::Text(_) | Message::Binary(_)))) = (idle_timeout, &incoming) {
                        idle_check = Some(last_heard + t);
                    }
                    match incoming {
                        Some(Ok(Message::Text(text))) => {
                            let (count, reply) = session.submit_counted(&text);
                            drop(text);
                            messages_in_flight += count;
                            replies.push_back(reply, count);
                        }
                        Some(Ok(Message::Binary(_))) => {
                            let error = json!({"Error": {"Id": 0, "ErrorCode": 3,
                                "ErrorMessage": "binary frames are not Buttplug messages; send JSON text"}});
                            messages_in_flight += 1;
                            replies.push_back(FrameReply::ready(smallvec![Reply::Json(error)]), 1);
                        }
                        Some(Ok(Message::Close(_))) | None => break 'serve Ok(()),
                        Some(Ok(_)) => {} // pings are answered by the websocket layer; pongs count as heard
                        Some(Err(tungstenite::Error::Capacity(e))) => {
                            let reason = format!("frame too big: at most {MAX_FRAME_BYTES} bytes");
                            let _ = send_bounded(&mut ws, close_frame(CloseCode::Size, &reason), send_bound).await;
                            break 'serve Err(tungstenite::Error::Capacity(e));
                        }
                        Some(Err(e)) => break 'serve Err(e),
                    }
                    taken += 1;
                    if taken == FRAMES_PER_READ || !has_room(&replies, messages_in_flight) {
                        break;
                    }
                    match ws.next().now_or_never() {
                        Some(more) => incoming = more,
                        None => break,
                    }
                }
            }
            Some((reply, count)) = std::future::poll_fn(|cx| replies.poll_front_with(cx, |r, cx| r.poll_frame(cx, &mut last_outcome))), if !replies.is_empty() => {
                // What is already answered goes out in one flush, up to a budget of bytes.
                messages_in_flight -= count;
                let mut bytes = reply.len();
                let mut frames = vec![reply];
                {
                    // The replies behind it that are done, without waiting (no waker kept).
                    let waker = futures_util::task::noop_waker();
                    let mut now = std::task::Context::from_waker(&waker);
                    while bytes < MAX_FRAME_BYTES {
                        let std::task::Poll::Ready(Some((more, count))) = replies.poll_front_with(&mut now, |r, cx| r.poll_frame(cx, &mut last_outcome)) else { break };
                        messages_in_flight -= count;
                        bytes += more.len();
                        frames.push(more);
                    }
                }
                if let Err(e) = send_all(&mut ws, frames, send_bound).await {
                    break Err(e);
                }
            }
            event = events.recv() => {
                let Some(event) = event else { break Ok(()) };
                let mut frames = Vec::new();
                frames.extend(session.encode_event(&event).map(|m| Value::Array(vec![m]).to_string()));
                while let Ok(more) = events.try_recv() {
                    frames.extend(session.encode_event(&more).map(|m| Value::Array(vec![m]).to_string()));
                }
                if let Err(e) = send_all(&mut ws, frames, send_bound).await {
                    break Err(e);
                }
            }
            _ = ping.tick() => {
                if last_heard.elapsed() >= options.pong_timeout {
                    tracing::warn!("websocket client silent for {:?}: dropping it", last_heard.elapsed());
                    let _ = send_bounded(&mut ws, close_frame(CloseCode::Away, "no pong"), Duration::from_millis(100)).await;
                    break Ok(());
                }
                if let Err(e) = send_bounded(&mut ws, Message::Ping(Vec::new()), send_bound).await {
                    break Err(e);
                }
            }
            _ = sleep_until_opt(idle_check), if idle_check.is_some() && !awaiting_handshake => {
                let timeout = idle_timeout.unwrap_or_default();
                if server.device_manager().any_device_running() || !replies.is_empty() {
                    // A toy runs on this client's commands: the client keeps its slot.
                    idle_check = Some(Instant::now() + timeout);
                    continue;
                }
                let reason = format!("idle: no message for {} s and no device running", timeout.as_secs_f64());
                tracing::info!("websocket client {reason}: closing it");
                let _ = send_bounded(&mut ws, close_frame(CloseCode::Policy, &reason), send_bound).await;
                break Ok(());
            }
            _ = tokio::time::sleep_until(handshake_deadline), if awaiting_handshake => {
                let error = frame::frame(&[json!({"Error": {"Id": 0, "ErrorCode": 1,
                    "ErrorMessage": "no RequestServerInfo in time"}})]);
                let _ = send_all(&mut ws, vec![error], send_bound).await;
                let _ = send_bounded(&mut ws, close_frame(CloseCode::Policy, "no RequestServerInfo in time"), send_bound).await;
                break Ok(());
            }
        }
    };
    // Whatever ended the connection, the client's devices stop before the next client.
    session.disconnect().await;
    result
}

async fn sleep_until_opt(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// Runs a send within `bound`: a client that does not take what it is sent is treated as
/// gone.
pub(crate) async fn within(
    bound: Duration,
    send: impl std::future::Future<Output = Result<(), tungstenite::Error>>,
) -> Result<(), tungstenite::Error> {
    match tokio::time::timeout(bound, send).await {
        Ok(r) => r,
        Err(_) => Err(tungstenite::Error::Io(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            "the client does not read what it is sent",
        ))),
    }
}

/// Sends a frame within `bound`.
pub(crate) async fn send_bounded<S: Link>(
    ws: &mut WebSocketStream<S>,
    message: Message,
    bound: Duration,
) -> Result<(), tungstenite::Error> {
    within(bound, ws.send(message)).await
}

/// Sends frames with one flush, within `bound`.
async fn send_all<S: Link>(
    ws: &mut WebSocketStream<S>,
    frames: Vec<String>,
    bound: Duration,
) -> Result<(), tungstenite::Error> {
    if frames.is_empty() {
        return Ok(());
    }
    within(bound, async {
        for f in frames {
            ws.feed(Message::text(f)).await?;
        }
        ws.flush().await
    })
    .await
}

/// Refuses a client: answers its first message (normally `RequestServerInfo`) with a
/// handshake Error carrying the reason and its Id, then closes with `code` and the reason.
async fn refuse<S: Link>(
    ws: &mut WebSocketStream<S>,
    deadline: Instant,
    reason: &str,
    code: CloseCode,
) -> Result<(), tungstenite::Error> {
    let first = tokio::time::timeout_at(deadline, async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Text(text))) => return Some(text.to_string()),
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return None,
                Some(Ok(_)) => {}
            }
        }
    })
    .await
    .ok()
    .flatten();
    if let Some(text) = first {
        let error = frame::frame(&[json!({"Error": {"Id": first_id(&text), "ErrorCode": 1,
            "ErrorMessage": reason}})]);
        ws.send(Message::text(error)).await?;
    }
    // A close reason is at most 123 bytes.
    let short: String = reason.chars().take(120).collect();
    ws.send(close_frame(code, &short)).await?;
    let _ = SinkExt::close(ws).await;
    Ok(())
}

/// The Id of the first message of a frame, 0 when it cannot be read.
fn first_id(text: &str) -> u64 {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| {
            v.as_array()?
                .first()?
                .as_object()?
                .values()
                .next()?
                .get("Id")?
                .as_u64()
        })
        .unwrap_or(0)
}
