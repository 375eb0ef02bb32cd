//! The HTTP side: `POST /command` (and the CORS preflight a browser game sends), always
//! answered HTTP 200 with the protocol's `code` in the JSON body.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::controller::Controller;

/// Largest request body taken (a PatternV2 Setup of many keyframes fits).
const BODY_LIMIT: usize = 4 << 20;

fn cors(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("content-type, x-platform"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST, OPTIONS"),
    );
    response
}

async fn command(State(controller): State<Arc<Controller>>, body: Bytes) -> Response {
    let answer = controller.handle(&body).await;
    cors(axum::Json(answer).into_response())
}

async fn preflight() -> Response {
    cors(().into_response())
}

/// Serves until `stop` turns true.
pub(super) async fn serve(
    listener: TcpListener,
    controller: Arc<Controller>,
    mut stop: watch::Receiver<bool>,
) {
    let app = Router::new()
        .route("/command", post(command).options(preflight))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(controller);
    let shutdown = async move {
        let _ = stop.wait_for(|s| *s).await;
    };
    if let Err(e) = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
    {
        tracing::warn!("Lovense Game Mode HTTP server: {e}");
    }
}
