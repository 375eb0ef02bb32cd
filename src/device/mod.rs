//! The device layer: configuration, protocol handlers and the per-device task.

pub mod config;
pub(crate) mod device_task;
pub mod error;
pub mod feature;
pub mod mailbox;
pub mod protocol;
pub mod protocols;
mod routed_hardware;
mod server_device;
pub mod toy_model;

pub use device_task::{DEFAULT_HARDWARE_TIMEOUT, DeviceTaskEvent};
pub use error::DeviceError;
pub use mailbox::Completion;
pub use server_device::{InputFuture, NewDevice, ServerDevice};
