//! The device layer: configuration, protocol handlers and the per-device task.

pub mod config;
pub(crate) mod device_task;
pub mod error;
pub mod feature;
pub mod protocol;
pub mod protocols;
mod server_device;

pub use device_task::DeviceTaskEvent;
pub use error::DeviceError;
pub use server_device::{NewDevice, ServerDevice};
