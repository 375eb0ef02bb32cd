//! The REST routes under `/api/v1` (Intiface Engine's, plus the ones it left switched
//! off: inputs, per-device event streams), their answers and their errors. Every route is
//! a request of the REST client ([`RestClient`]): it renews the lease and is refused with
//! 409 while another client holds the server.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use plugwire::device::feature::{InputCommand, InputType, OutputType};
use plugwire::spec::error::{ButtplugError, Cause, ErrorCode};
use plugwire::spec::message::{DeviceInfo, OutputCommand, Request, Response as Reply};
use serde_json::{Value, json};
use tokio::sync::broadcast;

use super::events::RestEvent;
use super::extract::{Path, Query};
use super::lease::RestClient;

/// What a REST request can fail with; each names what was wrong, as JSON
/// `{"error": "..."}` with its HTTP status.
#[derive(Debug, thiserror::Error)]
pub enum RestError {
    #[error("another client is connected; this server takes one client at a time")]
    Busy,
    #[error("the server is shutting down")]
    ShuttingDown,
    #[error("{what} {given:?} is not a number")]
    NotANumber { what: &'static str, given: String },
    #[error("device index {0} does not refer to a connected device")]
    NoDevice(u32),
    #[error("device {0} has no feature {1}")]
    NoFeature(u32, u32),
    #[error("{0:?} is not an output type; output types are {1}")]
    BadOutputType(String, String),
    #[error("{0:?} is not an input type; input types are {1}")]
    BadInputType(String, String),
    #[error("{0:?} is not an input command; input commands are Read, Subscribe, Unsubscribe")]
    BadInputCommand(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("no playback {0} (never started, or ended)")]
    NoPlayback(u64),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Buttplug(ButtplugError),
    #[error("{0}")]
    Internal(String),
    #[error("no such route: {0} (the REST API lives under /api/v1; see the README)")]
    NoRoute(String),
    #[error("{0}")]
    Unauthorized(plugwire::transport::Refusal),
}

impl RestError {
    fn status(&self) -> StatusCode {
        match self {
            RestError::Busy | RestError::Conflict(_) => StatusCode::CONFLICT,
            RestError::ShuttingDown => StatusCode::SERVICE_UNAVAILABLE,
            RestError::NoDevice(_)
            | RestError::NoFeature(..)
            | RestError::NoRoute(_)
            | RestError::NoPlayback(_) => StatusCode::NOT_FOUND,
            RestError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            RestError::NotANumber { .. }
            | RestError::BadOutputType(..)
            | RestError::BadInputType(..)
            | RestError::BadInputCommand(_)
            | RestError::BadRequest(_) => StatusCode::BAD_REQUEST,
            RestError::Buttplug(e) => match e.code {
                ErrorCode::Message => StatusCode::BAD_REQUEST,
                // The output is a playback's: not the device failing.
                ErrorCode::Device if e.cause == Cause::UnderPlayback => StatusCode::CONFLICT,
                ErrorCode::Device => StatusCode::BAD_GATEWAY,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            },
            RestError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for RestError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut response = (status, Json(json!({"error": self.to_string()}))).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

type Rest<T> = Result<T, RestError>;
type App = State<Arc<RestClient>>;

fn number(what: &'static str, given: &str) -> Rest<u32> {
    given.parse().map_err(|_| RestError::NotANumber {
        what,
        given: given.to_string(),
    })
}

/// A device as the REST API shows it: index, name, display name, features by index.
pub fn device_json(d: &DeviceInfo) -> Value {
    let features: BTreeMap<String, Value> = d
        .features
        .iter()
        .filter(|f| !f.outputs.is_empty() || !f.inputs.is_empty())
        .map(|f| (f.index.to_string(), plugwire::spec::v4::feature_json(f)))
        .collect();
    json!({
        "index": d.index,
        "name": d.name,
        "display_name": d.display_name,
        "features": features,
    })
}

fn device(client: &RestClient, index: &str) -> Rest<DeviceInfo> {
    let index = number("device index", index)?;
    client
        .server()
        .device_manager()
        .device(index)
        .map(|d| d.info().clone())
        .ok_or(RestError::NoDevice(index))
}

async fn submit(client: &Arc<RestClient>, request: Request) -> Rest<Reply> {
    let session = client.session().await?;
    session.submit(request).await.map_err(RestError::Buttplug)
}

pub async fn start_scanning(State(c): App) -> Rest<()> {
    submit(&c, Request::StartScanning).await.map(|_| ())
}

pub async fn stop_scanning(State(c): App) -> Rest<()> {
    submit(&c, Request::StopScanning).await.map(|_| ())
}

pub async fn devices(State(c): App) -> Rest<Json<BTreeMap<String, Value>>> {
    c.session().await?;
    Ok(Json(
        c.server()
            .device_manager()
            .device_infos()
            .iter()
            .map(|d| (d.index.to_string(), device_json(d)))
            .collect(),
    ))
}

pub async fn device_info(State(c): App, Path(index): Path<String>) -> Rest<Json<Value>> {
    c.session().await?;
    Ok(Json(device_json(&device(&c, &index)?)))
}

pub async fn features(State(c): App, Path(index): Path<String>) -> Rest<Json<Value>> {
    c.session().await?;
    Ok(Json(device_json(&device(&c, &index)?)["features"].clone()))
}

pub async fn feature_info(
    State(c): App,
    Path((index, feature)): Path<(String, String)>,
) -> Rest<Json<Value>> {
    c.session().await?;
    let d = device(&c, &index)?;
    let feature = number("feature index", &feature)?;
    d.features
        .iter()
        .find(|f| f.index == feature)
        .map(|f| Json(plugwire::spec::v4::feature_json(f)))
        .ok_or(RestError::NoFeature(d.index, feature))
}

pub async fn stop_all(State(c): App) -> Rest<()> {
    submit(
        &c,
        Request::Stop {
            device: None,
            feature: None,
            inputs: true,
            outputs: true,
        },
    )
    .await?;
    c.publish(RestEvent::Stopped { device: None });
    Ok(())
}

pub async fn stop_device(State(c): App, Path(index): Path<String>) -> Rest<()> {
    c.session().await?;
    let d = device(&c, &index)?;
    submit(
        &c,
        Request::Stop {
            device: Some(d.index),
            feature: None,
            inputs: true,
            outputs: true,
        },
    )
    .await?;
    c.publish(RestEvent::Stopped {
        device: Some(d.index),
    });
    Ok(())
}

pub fn output_type(name: &str) -> Rest<OutputType> {
    OutputType::from_spec_name(name)
        .or_else(|| OutputType::from_config_name(name))
        .ok_or_else(|| {
            let all: Vec<_> = OutputType::ALL.iter().map(|t| t.spec_name()).collect();
            RestError::BadOutputType(name.to_string(), all.join(", "))
        })
}

fn level(given: &str) -> Rest<f64> {
    given
        .parse::<f64>()
        .ok()
        .filter(|l| l.is_finite())
        .ok_or_else(|| {
            RestError::BadRequest(format!(
                "level {given:?} is not a number (a fraction from 0.0 to 1.0, or -1.0 to 1.0 for rotation)"
            ))
        })
}

#[derive(serde::Deserialize)]
pub struct OutputQuery {
    /// Milliseconds, for `HwPositionWithDuration`.
    duration: Option<u32>,
}

/// Sets `kind` to `level` on the given features of a device (all features having that
/// output when `feature` is None), in one batch.
async fn set_output(
    c: &Arc<RestClient>,
    index: &str,
    feature: Option<&str>,
    kind: &str,
    level_text: &str,
    duration: Option<u32>,
) -> Rest<()> {
    c.session().await?;
    let d = device(c, index)?;
    let kind = output_type(kind)?;
    let level = level(level_text)?;
    let wanted = feature.map(|f| number("feature index", f)).transpose()?;
    if let Some(f) = wanted {
        if !d.features.iter().any(|x| x.index == f) {
            return Err(RestError::NoFeature(d.index, f));
        }
    }
    if kind == OutputType::HwPositionWithDuration && duration.is_none() {
        return Err(RestError::BadRequest(
            "HwPositionWithDuration needs a duration: add ?duration=MILLISECONDS".to_string(),
        ));
    }
    let mut commands = Vec::new();
    let mut changes = Vec::new();
    for f in d
        .features
        .iter()
        .filter(|f| wanted.is_none_or(|w| w == f.index))
    {
        let Some(limits) = f.output(kind) else {
            continue;
        };
        let steps = limits.float_to_step(level).ok_or_else(|| {
            RestError::BadRequest(format!(
                "level {level} is out of range for {kind} of device {} feature {}: give {}",
                d.index,
                f.index,
                if limits.value.0 < 0 {
                    "-1.0 to 1.0"
                } else {
                    "0.0 to 1.0"
                }
            ))
        })?;
        commands.push((
            f.index,
            OutputCommand {
                output: kind,
                value: steps,
                duration: duration.filter(|_| kind == OutputType::HwPositionWithDuration),
            },
        ));
        changes.push(RestEvent::Output {
            device: d.index,
            feature: f.index,
            output: kind.spec_name(),
            level,
            steps,
        });
    }
    if commands.is_empty() {
        return Err(RestError::BadRequest(match wanted {
            Some(f) => format!("device {} feature {f} has no {kind} output", d.index),
            None => format!("device {} has no {kind} output", d.index),
        }));
    }
    submit(
        c,
        Request::Outputs {
            device: d.index,
            commands,
        },
    )
    .await?;
    for change in changes {
        c.publish(change);
    }
    Ok(())
}

pub async fn device_output(
    State(c): App,
    Path((index, kind, level)): Path<(String, String, String)>,
    Query(q): Query<OutputQuery>,
) -> Rest<()> {
    set_output(&c, &index, None, &kind, &level, q.duration).await
}

pub async fn feature_output(
    State(c): App,
    Path((index, feature, kind, level)): Path<(String, String, String, String)>,
    Query(q): Query<OutputQuery>,
) -> Rest<()> {
    set_output(&c, &index, Some(&feature), &kind, &level, q.duration).await
}

/// Reads, subscribes to or unsubscribes from an input: of the given feature, or of the
/// device's first feature having it.
async fn input(
    c: &Arc<RestClient>,
    index: &str,
    feature: Option<&str>,
    kind: &str,
    command: &str,
) -> Rest<Json<Value>> {
    c.session().await?;
    let d = device(c, index)?;
    let input = InputType::from_name(kind).ok_or_else(|| {
        let all: Vec<_> = InputType::ALL.iter().map(|t| t.spec_name()).collect();
        RestError::BadInputType(kind.to_string(), all.join(", "))
    })?;
    let command = InputCommand::from_name(command)
        .ok_or_else(|| RestError::BadInputCommand(command.to_string()))?;
    let feature = match feature {
        Some(f) => {
            let f = number("feature index", f)?;
            if !d.features.iter().any(|x| x.index == f) {
                return Err(RestError::NoFeature(d.index, f));
            }
            f
        }
        None => d
            .features
            .iter()
            .find(|f| f.input(input).is_some())
            .map(|f| f.index)
            .ok_or_else(|| {
                RestError::BadRequest(format!("device {} has no {input} input", d.index))
            })?,
    };
    let reply = submit(
        c,
        Request::Input {
            device: d.index,
            feature,
            input,
            command,
        },
    )
    .await?;
    Ok(Json(match reply {
        Reply::InputReading { value, .. } => {
            json!({"index": d.index, "feature": feature, "input": input.spec_name(), "value": value})
        }
        _ => json!({}),
    }))
}

pub async fn device_input(
    State(c): App,
    Path((index, kind, command)): Path<(String, String, String)>,
) -> Rest<Json<Value>> {
    input(&c, &index, None, &kind, &command).await
}

pub async fn feature_input(
    State(c): App,
    Path((index, feature, kind, command)): Path<(String, String, String, String)>,
) -> Rest<Json<Value>> {
    input(&c, &index, Some(&feature), &kind, &command).await
}

/// `PUT /release`: the REST client is done; its devices stop and the slot frees now.
pub async fn release(State(c): App) -> Json<Value> {
    Json(json!({"released": c.release().await}))
}

pub async fn not_found(uri: axum::http::Uri) -> RestError {
    RestError::NoRoute(uri.path().to_string())
}

type Events = Box<dyn Stream<Item = Result<Event, Infallible>> + Send + Unpin>;
type EventStream = Sse<axum::response::sse::KeepAliveStream<Events>>;

/// An event stream, of every event or of one device's. Open streams hold the lease.
async fn stream(c: &Arc<RestClient>, only: Option<u32>) -> Rest<EventStream> {
    // Subscribed first, so the stream sees `session-started` when it opens the session.
    let (events, guard) = c.subscribe();
    c.session().await?;
    let stream =
        futures_util::stream::unfold((events, guard), move |(mut events, guard)| async move {
            loop {
                let event = match events.recv().await {
                    Ok(e) => e,
                    Err(broadcast::error::RecvError::Lagged(n)) => RestEvent::Dropped(n),
                    Err(broadcast::error::RecvError::Closed) => return None,
                };
                if only.is_some() && event.device() != only {
                    continue;
                }
                let (name, data) = event.render();
                let sse = Event::default().event(name).data(data.to_string());
                return Some((Ok::<Event, Infallible>(sse), (events, guard)));
            }
        });
    // Comments keep the connection alive and find a reader that went away.
    let beat = (c.lease() / 2).clamp(
        std::time::Duration::from_millis(100),
        std::time::Duration::from_secs(15),
    );
    let boxed: Events = Box::new(Box::pin(stream));
    Ok(Sse::new(boxed).keep_alive(KeepAlive::new().interval(beat)))
}

pub async fn events(State(c): App) -> Rest<EventStream> {
    stream(&c, None).await
}

pub async fn device_events(State(c): App, Path(index): Path<String>) -> Rest<EventStream> {
    c.session().await?;
    let d = device(&c, &index)?;
    stream(&c, Some(d.index)).await
}
