//! Which outputs of a device a playback drives, and the one lock that orders playback
//! writes, client commands and stops for the device.
//!
//! - A playback claims an output before it writes to it; each write checks, under the
//!   lock, that its claim still holds and submits in the same step. So once a stop has
//!   released a claim no playback value can reach the mailbox after it.
//! - A stop of a feature (or of every feature) releases the claims it covers in the same
//!   step as it is submitted, then tells each holder (outside the lock).
//! - A client command to a claimed output is refused ([`DeviceError::UnderPlayback`]):
//!   the client stops the playback (or the device) first. A stop always gets through.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, Weak};

use crate::device::DeviceError;
use crate::device::feature::OutputType;
use crate::poison::lock;

/// Told when a claim ends other than by its holder releasing it.
pub trait ClaimHolder: Send + Sync {
    /// `reason` says why: a stop, or the device going away.
    fn claim_ended(&self, device: u32, feature: u32, output: OutputType, reason: ClaimEnd);
}

/// Why a claim ended.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ClaimEnd {
    /// A stop of the device (its own, a stop of all, a session ending, shutdown).
    Stopped,
    /// The device was removed.
    Removed,
    /// A client's connection to its server was lost (the server stops the device when
    /// the session ends).
    ConnectionLost,
}

/// Proof of a claim, returned by [`crate::device::ServerDevice::claim_output`] (or a
/// client's claim of an output).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct ClaimToken {
    pub(crate) id: u64,
    pub feature: u32,
    pub output: OutputType,
}

struct Held {
    id: u64,
    holder: Weak<dyn ClaimHolder>,
}

#[derive(Default)]
pub(crate) struct Claims {
    held: BTreeMap<(u32, OutputType), Held>,
    next_id: u64,
}

/// Holders to tell after the lock is released.
pub(crate) type Ended = Vec<(Weak<dyn ClaimHolder>, u32, OutputType)>;

impl Claims {
    pub(crate) fn claimed(&self, feature: u32, output: OutputType) -> bool {
        self.held.contains_key(&(feature, output))
    }

    /// Claims an output for `holder`; refused while another claim holds it.
    pub(crate) fn claim(
        &mut self,
        feature: u32,
        output: OutputType,
        holder: Weak<dyn ClaimHolder>,
    ) -> Result<ClaimToken, DeviceError> {
        if self.claimed(feature, output) {
            return Err(DeviceError::UnderPlayback { feature, output });
        }
        self.next_id += 1;
        let id = self.next_id;
        self.held.insert((feature, output), Held { id, holder });
        Ok(ClaimToken {
            id,
            feature,
            output,
        })
    }

    pub(crate) fn holds(&self, token: &ClaimToken) -> bool {
        self.held
            .get(&(token.feature, token.output))
            .is_some_and(|h| h.id == token.id)
    }

    pub(crate) fn release(&mut self, token: &ClaimToken) {
        if self.holds(token) {
            self.held.remove(&(token.feature, token.output));
        }
    }

    /// Releases every claim of `feature` (or all); returns whom to tell.
    pub(crate) fn end(&mut self, feature: Option<u32>) -> Ended {
        let mut ended = Vec::new();
        self.held.retain(|(f, o), h| {
            let hit = feature.is_none_or(|x| x == *f);
            if hit {
                ended.push((h.holder.clone(), *f, *o));
            }
            !hit
        });
        ended
    }
}

#[derive(Default)]
pub(crate) struct OutputClaims(Mutex<Claims>);

impl OutputClaims {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Claims> {
        lock(&self.0)
    }

    /// [`Claims::claim`] under the lock.
    pub(crate) fn claim(
        &self,
        feature: u32,
        output: OutputType,
        holder: Weak<dyn ClaimHolder>,
    ) -> Result<ClaimToken, DeviceError> {
        self.lock().claim(feature, output, holder)
    }

    /// [`Claims::release`] under the lock.
    pub(crate) fn release(&self, token: &ClaimToken) {
        self.lock().release(token);
    }
}

/// Tells holders their claims ended; call with no lock held.
pub(crate) fn tell(ended: Ended, device: u32, reason: ClaimEnd) {
    for (holder, feature, output) in ended {
        if let Some(h) = holder.upgrade() {
            h.claim_ended(device, feature, output, reason);
        }
    }
}
