//! Playback from a client: the player of [`crate::playback`] writing through this client's
//! connection (in-process or a websocket to `plugwire serve` or Intiface), as ordinary
//! output commands, with its claims held in the client.
//!
//! The client keeps the claims (each device's `DeviceShared::claims`) and one lock
//! (`ClientInner::order`) that every request takes while it is submitted, so:
//! - a client command to an output under playback is refused before it is sent, with the
//!   error an in-process server gives ([`DeviceError::UnderPlayback`] as a device error);
//! - a stop the client sends (device, feature, stop all), its disconnect and dropping the
//!   client release the claims they cover in the same step as the stop is submitted: a
//!   playback write is either submitted before it (and the server orders it before the
//!   stop) or not at all, so no playback command follows a stop on the wire;
//! - a `DeviceRemoved` from the server ends that device's playback, the connection being
//!   lost ends every playback ([`ClaimEnd::ConnectionLost`]; the server stops the devices
//!   when the session ends), and a ping timeout ends every playback as a stop.
//!
//! Writes go out as `OutputCmd` messages; their replies (a failed write is an error reply)
//! are awaited on the client's runtime, so the player's thread never waits on the network.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, Weak};

use super::device::{DeviceShared, outputs_request};
use super::{ButtplugClient, ClientError, ClientInner};
use crate::device::feature::OutputType;
use crate::device::output_claims::{Ended, tell};
use crate::device::{ClaimEnd, ClaimHolder, ClaimToken, DeviceError};
use crate::playback::{PendingWrite, PlaybackDevice, PlaybackTarget};
use crate::poison::lock;
use crate::server::ResponseFuture;
use crate::spec::ButtplugError;
use crate::spec::message::{DeviceInfo, OutputCommand, Request};

/// Most playback writes to one device that may wait for the server's reply; while that
/// many wait, a slot's write is skipped (and written again at the next slot), so a server
/// that stops reading gets a bounded number of playback commands queued for it.
pub(crate) const MAX_WRITES_IN_FLIGHT: usize = 8;

/// Claims ended by one step, per device, to tell once no lock is held.
pub(super) type EndedClaims = Vec<(u32, Ended)>;

pub(super) fn tell_ended(ended: EndedClaims, reason: ClaimEnd) {
    for (device, ended) in ended {
        tell(ended, device, reason);
    }
}

impl ClientInner {
    /// Checks a request against this client's claims (call under `order`): an output
    /// command to a claimed output is refused; a stop of outputs ends the claims it covers.
    pub(super) fn claims_for(&self, request: &Request) -> Result<EndedClaims, ClientError> {
        let devices = self.devices.read().unwrap_or_else(|e| e.into_inner());
        let refuse = |device: u32, commands: &[(u32, OutputType)]| {
            let Some(d) = devices.get(&device) else {
                return Ok(());
            };
            let claims = d.shared().claims.lock();
            match commands
                .iter()
                .find(|(feature, output)| claims.claimed(*feature, *output))
            {
                Some(&(feature, output)) => Err(ClientError::Server(ButtplugError::from(
                    DeviceError::UnderPlayback { feature, output },
                ))),
                None => Ok(()),
            }
        };
        match request {
            Request::Output {
                device,
                feature,
                command,
            } => refuse(*device, &[(*feature, command.output)])?,
            Request::Outputs { device, commands } => {
                let outputs: Vec<_> = commands.iter().map(|(f, c)| (*f, c.output)).collect();
                refuse(*device, &outputs)?
            }
            Request::Stop {
                device,
                feature,
                outputs: true,
                ..
            } => {
                return Ok(devices
                    .values()
                    .filter(|d| device.is_none_or(|i| i == d.index()))
                    .map(|d| d.end_claims(*feature))
                    .collect());
            }
            _ => {}
        }
        Ok(Vec::new())
    }

    /// Ends every claim of this client (a disconnect, the client dropped, a ping timeout,
    /// the connection lost) and tells the players why.
    pub(super) fn end_all_claims(&self, reason: ClaimEnd) {
        let ended: EndedClaims = {
            let _order = lock(&self.order);
            let devices = self.devices.read().unwrap_or_else(|e| e.into_inner());
            devices.values().map(|d| d.end_claims(None)).collect()
        };
        tell_ended(ended, reason);
    }
}

/// The reply to a playback write, once it came.
#[derive(Default)]
struct Reply(Mutex<Option<Result<(), String>>>);

impl PendingWrite for Reply {
    fn result(&self) -> Option<Result<(), String>> {
        lock(&self.0).clone()
    }
}

impl DeviceShared {
    fn connected_client(&self) -> Result<Arc<ClientInner>, DeviceError> {
        let client = self.client.upgrade().ok_or(DeviceError::Removed)?;
        if !client.connected.load(Ordering::Acquire) {
            return Err(DeviceError::Removed);
        }
        Ok(client)
    }

    /// Awaits a reply on the client's runtime; `on_reply` gets its outcome.
    fn follow(
        client: &ClientInner,
        pending: ResponseFuture,
        on_reply: impl FnOnce(Result<(), String>) + Send + 'static,
    ) {
        client.runtime.spawn(async move {
            on_reply(pending.await.map(|_| ()).map_err(|e| e.message));
        });
    }
}

impl PlaybackDevice for DeviceShared {
    fn info(&self) -> &DeviceInfo {
        &self.info
    }

    fn claim_output(
        &self,
        feature: u32,
        output: OutputType,
        holder: Weak<dyn ClaimHolder>,
    ) -> Result<ClaimToken, DeviceError> {
        self.info.output_limits(feature, output)?;
        let client = self.client.upgrade().ok_or(DeviceError::Removed)?;
        let _order = lock(&client.order);
        // Checked under the lock the link-loss and removal paths end claims under: a claim
        // is either ended by them or refused here (a device no longer the client's, or one
        // replaced at its index, takes none).
        let current = client
            .devices
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&self.info.index)
            .is_some_and(|d| std::ptr::eq(Arc::as_ptr(d.shared()), self));
        if !current || !client.connected.load(Ordering::Acquire) {
            return Err(DeviceError::Removed);
        }
        self.claims.claim(feature, output, holder)
    }

    fn release_claim(&self, token: &ClaimToken) {
        self.claims.release(token);
    }

    fn write_claimed(
        &self,
        batch: &[(ClaimToken, OutputCommand)],
    ) -> Result<Arc<dyn PendingWrite>, DeviceError> {
        let client = self.client.upgrade().ok_or(DeviceError::Removed)?;
        if self.in_flight.load(Ordering::Acquire) >= MAX_WRITES_IN_FLIGHT {
            // The server is not answering (a hung or slow link): this slot is skipped, and
            // reported failed so the player writes the value again at the next slot.
            return Ok(Arc::new(Reply(Mutex::new(Some(Err(format!(
                "{MAX_WRITES_IN_FLIGHT} playback writes to device {} are still waiting for \
                 the server's reply; this one was not sent",
                self.info.index
            )))))));
        }
        let (pending, lost) = {
            let _order = lock(&client.order);
            let mut claims = self.claims.lock();
            if !client.connected.load(Ordering::Acquire) {
                // The link is gone: its own notice ends the claims, unless this claim
                // was taken as the link went; either way none outlives it.
                (None, claims.end(None))
            } else {
                let held: Vec<(u32, OutputCommand)> = batch
                    .iter()
                    .filter(|(token, _)| claims.holds(token))
                    .map(|(token, command)| (token.feature, *command))
                    .collect();
                if held.is_empty() {
                    return Err(DeviceError::playback_ended(batch));
                }
                drop(claims);
                // A connector may need the runtime to submit (the in-process one does).
                let _runtime = client.runtime.enter();
                let pending = client
                    .connector()
                    .submit(outputs_request(self.info.index, held));
                (Some(pending), Vec::new())
            }
        };
        let Some(pending) = pending else {
            tell(lost, self.info.index, ClaimEnd::ConnectionLost);
            return Err(DeviceError::playback_ended(batch));
        };
        let reply = Arc::new(Reply::default());
        let slot = reply.clone();
        let in_flight = self.in_flight.clone();
        in_flight.fetch_add(1, Ordering::AcqRel);
        DeviceShared::follow(&client, pending, move |r| {
            in_flight.fetch_sub(1, Ordering::AcqRel);
            *lock(&slot.0) = Some(r);
        });
        Ok(reply)
    }

    fn stop_feature(&self, feature: u32) -> Result<(), DeviceError> {
        let client = self.connected_client()?;
        let _runtime = client.runtime.enter();
        let pending = client
            .submit(Request::Stop {
                device: Some(self.info.index),
                feature: Some(feature),
                inputs: false,
                outputs: true,
            })
            .map_err(|e| DeviceError::Protocol(e.to_string()))?;
        let device = self.info.index;
        DeviceShared::follow(&client, pending, move |r| {
            if let Err(e) = r {
                tracing::debug!("playback end: stopping device {device} feature {feature}: {e}");
            }
        });
        Ok(())
    }
}

/// A client plays on the devices it knows, writing through its connection.
impl PlaybackTarget for ButtplugClient {
    fn playback_device(&self, index: u32) -> Option<Arc<dyn PlaybackDevice>> {
        self.device(index)
            .map(|d| d.shared().clone() as Arc<dyn PlaybackDevice>)
    }

    fn device_infos(&self) -> Vec<DeviceInfo> {
        self.devices().iter().map(|d| d.info().clone()).collect()
    }
}
