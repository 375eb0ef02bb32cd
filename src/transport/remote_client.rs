//! Remote-client mode (`plugwire serve --websocket-client-address ws://...`): instead of
//! listening, the server opens the websocket to a Buttplug client that listens (a phone
//! app, a relay) and serves one session over it, with every rule of an accepted
//! connection (frame limits, liveness, the one-client rule, stop when it ends). When the
//! connection cannot be opened or ends, the server dials again after a backoff that
//! doubles from [`FIRST_RETRY`] up to [`LAST_RETRY`] and starts over after a session.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::websocket_server::{WebsocketOptions, frame_limits, serve_websocket};
use crate::server::ButtplugServer;

/// Wait before the first new attempt.
pub const FIRST_RETRY: Duration = Duration::from_millis(250);
/// Longest wait between attempts.
pub const LAST_RETRY: Duration = Duration::from_secs(8);

/// The dialling loop; [`RemoteClient::shutdown`] stops it in the safe order.
pub struct RemoteClient {
    server: Arc<ButtplugServer>,
    stop: Arc<Notify>,
    task: Option<JoinHandle<()>>,
}

impl Drop for RemoteClient {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

impl RemoteClient {
    /// Starts dialling `url` (`ws://host:port/path`; `ws://` is added when missing).
    pub fn start(server: Arc<ButtplugServer>, url: &str, options: WebsocketOptions) -> Self {
        let url = with_scheme(url);
        let stop = Arc::new(Notify::new());
        let stopped = stop.clone();
        let served = server.clone();
        let task = tokio::spawn(async move {
            let mut backoff = FIRST_RETRY;
            loop {
                let attempt = tokio::time::timeout(
                    options.handshake_timeout,
                    tokio_tungstenite::connect_async_with_config(
                        url.as_str(),
                        Some(frame_limits()),
                        true,
                    ),
                );
                let connected = tokio::select! {
                    _ = stopped.notified() => return,
                    c = attempt => c,
                };
                match connected {
                    Ok(Ok((ws, _))) => {
                        tracing::info!("connected to the client at {url}");
                        backoff = FIRST_RETRY;
                        let deadline = Instant::now() + options.handshake_timeout;
                        let session = serve_websocket(served.clone(), ws, &options, deadline, None);
                        // A shutdown ends the session itself (its devices stop first).
                        if let Err(e) = session.await {
                            tracing::info!("connection to the client at {url}: {e}");
                        }
                        tracing::info!("connection to the client at {url} ended; dialling again");
                    }
                    Ok(Err(e)) => tracing::info!("cannot connect to the client at {url}: {e}"),
                    Err(_) => tracing::info!("connecting to the client at {url} timed out"),
                }
                tokio::select! {
                    _ = stopped.notified() => return,
                    _ = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(LAST_RETRY);
            }
        });
        RemoteClient {
            server,
            stop,
            task: Some(task),
        }
    }

    /// Stops every device and the session first ([`ButtplugServer::shutdown`]), then the
    /// dialling.
    pub async fn shutdown(mut self) {
        self.server.shutdown().await;
        self.stop.notify_one();
        if let Some(task) = self.task.take() {
            if tokio::time::timeout(self.server.stop_timeout(), task)
                .await
                .is_err()
            {
                tracing::warn!("the remote-client connection did not close in time");
            }
        }
    }
}

/// `host:port` becomes `ws://host:port`, as Intiface Engine does.
pub(crate) fn with_scheme(url: &str) -> String {
    if url.starts_with("ws://") || url.starts_with("wss://") {
        url.to_string()
    } else {
        format!("ws://{url}")
    }
}
