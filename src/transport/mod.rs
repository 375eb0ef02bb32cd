//! Transports carrying Buttplug JSON: the websocket server.

mod websocket_server;

pub use websocket_server::{MAX_FRAME_BYTES, WebsocketOptions, WebsocketServer};
