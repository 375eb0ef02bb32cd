//! plugwire: the Buttplug intimate-hardware control standard (spec v0-v4) in Rust.
//!
//! - [`spec`]: the protocol's messages and their JSON in every spec version.
//! - [`server`]: sessions (handshake, ping watchdog, stop on disconnect) and the device
//!   manager.
//! - [`device`]: device configuration, protocol handlers and the per-device task.
//! - [`hardware`]: communication managers, including simulated devices.
//! - [`client`]: a Rust client, in-process or through a connector.
//! - [`transport`]: Buttplug JSON over websocket.
//! - [`frontends`]: other apps' protocols on top of the server (Lovense Game Mode).
//! - [`playback`]: funscripts and patterns played on devices, ended by every stop.
//! - [`ffi`]: the C ABI (protobuf messages, see `protobuf/plugwire.proto`).
//! - [`runtime`]: the runtime settings the library runs on.

mod bounded_events;
pub mod client;
#[cfg(test)]
mod counted_polls;
pub mod device;
pub mod ffi;
pub mod frontends;
pub mod hardware;
pub mod playback;
mod poison;
pub mod proto;
pub mod runtime;
pub mod server;
pub mod spec;
pub mod transport;

pub use client::{ButtplugClient, ClientDevice, ClientError, ClientEvent, OutputValue};
pub use device::feature::{InputType, OutputType};
pub use server::{ButtplugServer, ServerBuilder};

/// The library version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
