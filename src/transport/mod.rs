//! Transports carrying Buttplug JSON: the websocket server.

mod websocket_server;

pub use websocket_server::{
    MAX_FRAME_BYTES, MAX_MESSAGES_PER_FRAME, MAX_WAITING_CONNECTIONS, WebsocketOptions,
    WebsocketServer,
};
