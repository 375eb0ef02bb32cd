//! The REST API of `plugwire serve --rest-api-port` (Intiface Engine's, see
//! docs/rest-api.md): axum on the server's tokio runtime. Lives in the command, not the
//! library, so the C ABI's library never links an HTTP server.

mod events;
mod extract;
mod lease;
mod playback;
mod routes;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use plugwire::server::ButtplugServer;
use plugwire::transport::AuthToken;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use lease::RestClient;
use routes::RestError;

/// How the REST API treats its callers.
pub struct RestOptions {
    /// The REST client is gone (its devices stop) this long after its last request
    /// when no event stream is open.
    pub lease: Duration,
    /// Token required from callers that are not on this machine.
    pub auth: Option<AuthToken>,
}

/// A running REST API.
pub struct RestServer {
    local_addr: SocketAddr,
    task: JoinHandle<()>,
    client: Arc<RestClient>,
}

impl RestServer {
    pub async fn start(
        server: Arc<ButtplugServer>,
        address: SocketAddr,
        options: RestOptions,
    ) -> std::io::Result<RestServer> {
        let listener = TcpListener::bind(address).await?;
        let local_addr = listener.local_addr()?;
        let client = RestClient::new(server, options.lease);
        let app = router(client.clone(), options.auth);
        let task = tokio::spawn(async move {
            let service = app.into_make_service_with_connect_info::<SocketAddr>();
            if let Err(e) = axum::serve(listener, service).await {
                tracing::warn!("REST API stopped: {e}");
            }
        });
        Ok(RestServer {
            local_addr,
            task,
            client,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Stops serving; the REST session (if any) ends, its devices stopping, with the
    /// server's own shutdown.
    pub async fn shutdown(self) {
        self.client.release().await;
        self.task.abort();
    }
}

/// The REST API's routes for `client`, refusing callers from other machines without
/// `auth`'s token. Requests must carry a `ConnectInfo<SocketAddr>` extension (axum's
/// `into_make_service_with_connect_info` adds it; the fuzz target sets it itself).
pub fn router(client: Arc<RestClient>, auth: Option<AuthToken>) -> Router {
    let auth = Arc::new(auth);
    let api = Router::new()
        .route("/start-scanning", get(routes::start_scanning))
        .route("/stop-scanning", get(routes::stop_scanning))
        .route("/devices", get(routes::devices))
        .route("/devices/stop", put(routes::stop_all))
        .route("/devices/{index}", get(routes::device_info))
        .route("/devices/{index}/stop", put(routes::stop_device))
        .route("/devices/{index}/features", get(routes::features))
        .route(
            "/devices/{index}/features/{feature}",
            get(routes::feature_info).put(routes::feature_info),
        )
        .route(
            "/devices/{index}/features/{feature}/",
            get(routes::feature_info).put(routes::feature_info),
        )
        .route(
            "/devices/{index}/outputs/{output_type}/{level}",
            put(routes::device_output),
        )
        .route(
            "/devices/{index}/features/{feature}/outputs/{output_type}/{level}",
            put(routes::feature_output),
        )
        .route(
            "/devices/{index}/inputs/{input_type}/{command}",
            put(routes::device_input),
        )
        .route(
            "/devices/{index}/features/{feature}/inputs/{input_type}/{command}",
            put(routes::feature_input),
        )
        .route("/devices/{index}/events", get(routes::device_events))
        .route("/events", get(routes::events))
        .route("/release", put(routes::release))
        .route("/playback", get(playback::list).post(playback::start))
        .route("/playback/{id}/pause", put(playback::pause))
        .route("/playback/{id}/resume", put(playback::resume))
        .route("/playback/{id}/stop", put(playback::stop))
        .route("/playback/{id}/seek/{ms}", put(playback::seek))
        .route("/playback/{id}/rate/{rate}", put(playback::rate))
        .route("/playback/{id}/sync/{ms}", put(playback::sync))
        .route("/playback/{id}/offset/{ms}", put(playback::offset));
    Router::new()
        .nest("/api/v1", api)
        .fallback(routes::not_found)
        .with_state(client)
        .layer(middleware::from_fn_with_state(auth, check_token))
}

/// Refuses (401) requests from other machines without the token.
async fn check_token(
    State(auth): State<Arc<Option<AuthToken>>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(auth) = auth.as_ref() {
        let header = request
            .headers()
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        if let Err(refusal) = auth.check(peer.ip(), header, request.uri().query()) {
            tracing::warn!("REST request from {peer} refused: {refusal}");
            return RestError::Unauthorized(refusal).into_response();
        }
    }
    next.run(request).await
}
