//! Transports carrying Buttplug JSON: the websocket server, remote-client mode (the
//! server dials out to a listening client), the repeater (a relay to another server), and
//! the bearer token they and the REST API share.

pub mod auth;
mod in_order;
mod remote_client;
mod repeater;
mod websocket_server;

pub use auth::{AuthToken, AuthTokenError, Refusal};
pub use remote_client::{FIRST_RETRY, LAST_RETRY, RemoteClient};
pub use repeater::Repeater;

pub use websocket_server::{
    MAX_FRAME_BYTES, MAX_MESSAGES_PER_FRAME, MAX_WAITING_CONNECTIONS, WebsocketOptions,
    WebsocketServer,
};
