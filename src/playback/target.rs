//! Where a player writes: a device it can claim outputs of, write value batches to, and
//! stop, and that tells the player (through [`ClaimHolder`]) when a claim ends otherwise
//! (a stop, the device gone, the connection lost).
//!
//! Two places implement it: the server's own devices ([`ServerDevice`], found through the
//! [`DeviceManager`]), where a claim lives in the device and every stop path of the server
//! ends it; and a client's devices (`crate::client::ButtplugClient`, over any connector),
//! where the claim lives in the client and ends with the stops that client sends, its
//! disconnect, a `DeviceRemoved` from the server or the connection being lost.

use std::sync::{Arc, Weak};
use std::time::Instant;

use crate::device::feature::OutputType;
use crate::device::{ClaimHolder, ClaimToken, Completion, DeviceError, ServerDevice};
use crate::server::DeviceManager;
use crate::spec::message::{DeviceInfo, OutputCommand};

/// A write on its way: whether it reached the device, once known.
pub trait PendingWrite: Send + Sync {
    /// `None` while unknown; `Some(Err(why))` when the device (or server) refused it.
    fn result(&self) -> Option<Result<(), String>>;
}

impl PendingWrite for Completion {
    fn result(&self) -> Option<Result<(), String>> {
        self.outcome().map(|r| r.map_err(|e| e.to_string()))
    }
}

/// One device as a player drives it.
pub trait PlaybackDevice: Send + Sync {
    /// Its description: features with their output limits, and the message gap that
    /// paces the player's slots.
    fn info(&self) -> &DeviceInfo;

    /// Claims an output: commands of the client to it are refused until the claim is
    /// released or ended; `holder` is told when it ends other than by
    /// [`PlaybackDevice::release_claim`].
    fn claim_output(
        &self,
        feature: u32,
        output: OutputType,
        holder: Weak<dyn ClaimHolder>,
    ) -> Result<ClaimToken, DeviceError>;

    /// Releases a claim (the playback ended on its own); nobody is told.
    fn release_claim(&self, token: &ClaimToken);

    /// Writes one batch of values, each under its claim, checked and submitted in one
    /// step: values whose claim has ended are left out (their holder's notice is on its
    /// way); [`DeviceError::PlaybackEnded`] when none holds.
    fn write_claimed(
        &self,
        batch: &[(ClaimToken, OutputCommand)],
    ) -> Result<Arc<dyn PendingWrite>, DeviceError>;

    /// Stops the outputs of one feature (a playback that ends leaves no motor running).
    fn stop_feature(&self, feature: u32) -> Result<(), DeviceError>;

    /// When the device's message gap since its last write ends, where that is known (a
    /// device of this process; not over a connection): the player waits until then on its
    /// own timer rather than leave a write waiting in the device task.
    fn gap_end(&self) -> Option<Instant> {
        None
    }
}

/// Where a player finds its devices by index.
pub trait PlaybackTarget {
    fn playback_device(&self, index: u32) -> Option<Arc<dyn PlaybackDevice>>;

    /// Every device there, for assigning a script's axes to outputs.
    fn device_infos(&self) -> Vec<DeviceInfo>;
}

impl PlaybackDevice for ServerDevice {
    fn info(&self) -> &DeviceInfo {
        ServerDevice::info(self)
    }

    fn claim_output(
        &self,
        feature: u32,
        output: OutputType,
        holder: Weak<dyn ClaimHolder>,
    ) -> Result<ClaimToken, DeviceError> {
        ServerDevice::claim_output(self, feature, output, holder)
    }

    fn release_claim(&self, token: &ClaimToken) {
        ServerDevice::release_claim(self, token)
    }

    fn write_claimed(
        &self,
        batch: &[(ClaimToken, OutputCommand)],
    ) -> Result<Arc<dyn PendingWrite>, DeviceError> {
        Ok(Arc::new(self.submit_claimed(batch)?))
    }

    fn stop_feature(&self, feature: u32) -> Result<(), DeviceError> {
        self.submit_stop(Some(feature), true, false).map(|_| ())
    }

    fn gap_end(&self) -> Option<Instant> {
        ServerDevice::gap_end(self)
    }
}

impl PlaybackTarget for DeviceManager {
    fn playback_device(&self, index: u32) -> Option<Arc<dyn PlaybackDevice>> {
        self.device(index).map(|d| d as Arc<dyn PlaybackDevice>)
    }

    fn device_infos(&self) -> Vec<DeviceInfo> {
        DeviceManager::device_infos(self)
    }
}
