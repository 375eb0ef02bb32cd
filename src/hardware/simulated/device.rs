//! A simulated device: records what it is sent, answers as scripted or as its toy would.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use tokio::sync::{broadcast, watch};

use super::responder::SimulatedResponder;
use super::script::{ScriptAction, ScriptRule};
use crate::hardware::{Endpoint, HardwareDevice, HardwareError, HardwareEvent};

/// The most records a device keeps; older ones are dropped so a long session stays small.
const LOG_CAPACITY: usize = 100_000;

/// What happened on an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordKind {
    Write,
    Read,
    Subscribe,
    Unsubscribe,
}

/// One entry of a simulated device's log.
#[derive(Clone, Debug, PartialEq)]
pub struct WriteRecord {
    pub kind: RecordKind,
    pub endpoint: Endpoint,
    pub data: Vec<u8>,
    pub with_response: bool,
    /// Time since the device was created.
    pub at: Duration,
}

/// How to create a simulated device.
#[derive(Clone, Debug, Default)]
pub struct SimulatedDeviceSpec {
    /// Advertised name, e.g. `LVS-Nora`; it selects the protocol as a real advertisement would.
    pub name: String,
    /// Address; generated from the name when empty.
    pub address: String,
    /// Endpoints; when empty they come from the matched protocol's configuration.
    pub endpoints: Vec<Endpoint>,
    /// Advertised services and manufacturer data, for protocols matched by them.
    pub services: Vec<String>,
    pub manufacturer_data: Vec<(u16, Vec<u8>)>,
    /// The model identifier the toy reports during identification, where the protocol asks
    /// (e.g. Lovense `A`); derived from the name when empty.
    pub model: Option<String>,
    /// Battery level 0..100 the toy reports.
    pub battery_level: Option<u8>,
    /// Present the device as a serial port of this name instead of a BLE advertisement
    /// (serial protocols are matched by port, which a user config names).
    pub serial_port: Option<String>,
    /// The firmware version the toy reports where its protocol asks (Lovense `DeviceType;`).
    pub firmware: Option<u32>,
    /// A secret the toy hands out or expects during its handshake (a Lelo pairing token, a
    /// HoneyPlayBox session key); each protocol's responder has a default.
    pub key: Option<Vec<u8>>,
    /// Rules the toy answers by, checked before the built-in responder.
    pub script: Vec<ScriptRule>,
    /// Turns the built-in responder off: only the script speaks for the toy.
    pub no_builtin_responder: bool,
}

/// How a simulated device's writes misbehave, for testing what the library does when the
/// hardware does (BLE stacks fail writes and sometimes never complete them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WriteFault {
    /// Writes succeed.
    #[default]
    None,
    /// Every write fails; the toy receives nothing.
    Fail,
    /// Every write never completes; the toy receives nothing.
    Hang,
    /// Every write completes (and is received) after this delay.
    Delay(Duration),
}

pub(super) struct DeviceState {
    pub fault: WriteFault,
    pub log: VecDeque<WriteRecord>,
    pub reads: HashMap<Endpoint, VecDeque<Vec<u8>>>,
    pub subscribed: HashSet<Endpoint>,
    pub connected: bool,
    pub present: bool,
    pub endpoints: Vec<Endpoint>,
    pub responder: Option<Box<dyn SimulatedResponder>>,
}

pub(super) struct DeviceInner {
    pub spec: SimulatedDeviceSpec,
    pub created: Instant,
    pub state: Mutex<DeviceState>,
    pub events: broadcast::Sender<HardwareEvent>,
    /// Number of records ever logged; tests wait on it.
    pub logged: watch::Sender<u64>,
}

/// A handle to a simulated device; cheap to clone, shared with the server.
#[derive(Clone)]
pub struct SimulatedDevice {
    pub(super) inner: Arc<DeviceInner>,
}

impl SimulatedDevice {
    pub(super) fn new(spec: SimulatedDeviceSpec) -> SimulatedDevice {
        let (events, _) = broadcast::channel(256);
        let (logged, _) = watch::channel(0);
        SimulatedDevice {
            inner: Arc::new(DeviceInner {
                state: Mutex::new(DeviceState {
                    fault: WriteFault::None,
                    log: VecDeque::new(),
                    reads: HashMap::new(),
                    subscribed: HashSet::new(),
                    connected: false,
                    present: true,
                    endpoints: spec.endpoints.clone(),
                    responder: None,
                }),
                spec,
                created: Instant::now(),
                events,
                logged,
            }),
        }
    }

    pub(super) fn state(&self) -> MutexGuard<'_, DeviceState> {
        // A poisoned lock only means a panic elsewhere while logging; the data is still usable.
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn spec(&self) -> &SimulatedDeviceSpec {
        &self.inner.spec
    }

    pub fn name(&self) -> &str {
        &self.inner.spec.name
    }

    pub fn address(&self) -> &str {
        &self.inner.spec.address
    }

    pub fn is_connected(&self) -> bool {
        self.state().connected
    }

    pub fn is_present(&self) -> bool {
        self.state().present
    }

    /// Everything logged so far, oldest first.
    pub fn log(&self) -> Vec<WriteRecord> {
        self.state().log.iter().cloned().collect()
    }

    /// Only the writes, oldest first.
    pub fn writes(&self) -> Vec<WriteRecord> {
        self.state()
            .log
            .iter()
            .filter(|r| r.kind == RecordKind::Write)
            .cloned()
            .collect()
    }

    /// Returns and forgets the log.
    pub fn take_log(&self) -> Vec<WriteRecord> {
        self.state().log.drain(..).collect()
    }

    pub fn clear_log(&self) {
        self.state().log.clear();
    }

    /// Waits until at least `count` records have been logged since the device was created.
    pub async fn wait_for_records(&self, count: u64, timeout: Duration) -> bool {
        let mut rx = self.inner.logged.subscribe();
        tokio::time::timeout(timeout, rx.wait_for(|n| *n >= count))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// Total records logged since creation (not reduced by `take_log`).
    pub fn record_count(&self) -> u64 {
        *self.inner.logged.borrow()
    }

    /// Queues bytes for the next read of `endpoint`.
    pub fn queue_read(&self, endpoint: Endpoint, data: Vec<u8>) {
        self.state()
            .reads
            .entry(endpoint)
            .or_default()
            .push_back(data);
    }

    /// Sends a notification as the toy would. Returns false when nobody subscribed to the
    /// endpoint (a real toy's notification would go nowhere too).
    pub fn notify(&self, endpoint: Endpoint, data: Vec<u8>) -> bool {
        let subscribed = {
            let s = self.state();
            s.connected && s.subscribed.contains(&endpoint)
        };
        if subscribed {
            let _ = self
                .inner
                .events
                .send(HardwareEvent::Notification { endpoint, data });
        }
        subscribed
    }

    /// Makes the device's writes fail, hang or lag from now on (`WriteFault::None` heals it).
    pub fn set_write_fault(&self, fault: WriteFault) {
        self.state().fault = fault;
    }

    /// The toy goes away (out of range, switched off): it disconnects and stops advertising.
    pub fn drop_device(&self) {
        let was_connected = {
            let mut s = self.state();
            s.present = false;
            s.subscribed.clear();
            std::mem::replace(&mut s.connected, false)
        };
        if was_connected {
            let _ = self.inner.events.send(HardwareEvent::Disconnected);
        }
    }

    pub(super) fn set_present(&self) {
        self.state().present = true;
    }

    fn record(
        &self,
        state: &mut DeviceState,
        kind: RecordKind,
        endpoint: Endpoint,
        data: &[u8],
        with_response: bool,
    ) {
        if state.log.len() >= LOG_CAPACITY {
            state.log.pop_front();
        }
        state.log.push_back(WriteRecord {
            kind,
            endpoint,
            data: data.to_vec(),
            with_response,
            at: self.inner.created.elapsed(),
        });
        self.inner.logged.send_modify(|n| *n += 1);
    }

    /// Runs the script rules that fire: notifications are returned (to deliver on
    /// subscribed endpoints), queued reads are queued.
    fn run_script(
        &self,
        state: &mut DeviceState,
        fires: impl Fn(&ScriptRule) -> bool,
    ) -> Vec<(Endpoint, Vec<u8>)> {
        let mut notes = Vec::new();
        for rule in self.inner.spec.script.iter().filter(|r| fires(r)) {
            for action in &rule.then {
                match action {
                    ScriptAction::Notify { endpoint, bytes } => {
                        notes.push((*endpoint, bytes.clone()))
                    }
                    ScriptAction::QueueRead { endpoint, bytes } => state
                        .reads
                        .entry(*endpoint)
                        .or_default()
                        .push_back(bytes.clone()),
                }
            }
        }
        notes
    }

    /// Sends the toy's answers as notifications.
    fn deliver(&self, replies: Vec<(Endpoint, Vec<u8>)>) {
        for (endpoint, data) in replies {
            let _ = self
                .inner
                .events
                .send(HardwareEvent::Notification { endpoint, data });
        }
    }

    fn check(&self, state: &DeviceState, endpoint: Endpoint) -> Result<(), HardwareError> {
        if !state.connected {
            return Err(HardwareError::Disconnected);
        }
        if !state.endpoints.contains(&endpoint) {
            return Err(HardwareError::NoEndpoint(endpoint));
        }
        Ok(())
    }
}

#[async_trait]
impl HardwareDevice for SimulatedDevice {
    fn name(&self) -> &str {
        &self.inner.spec.name
    }

    fn address(&self) -> &str {
        &self.inner.spec.address
    }

    fn endpoints(&self) -> Vec<Endpoint> {
        self.state().endpoints.clone()
    }

    fn is_connected(&self) -> bool {
        self.state().connected
    }

    async fn write(
        &self,
        endpoint: Endpoint,
        data: &[u8],
        with_response: bool,
    ) -> Result<(), HardwareError> {
        let fault = self.state().fault;
        match fault {
            WriteFault::None => {}
            WriteFault::Fail => {
                self.check(&self.state(), endpoint)?;
                return Err(HardwareError::Other("injected write failure".into()));
            }
            WriteFault::Hang => std::future::pending::<()>().await,
            WriteFault::Delay(d) => tokio::time::sleep(d).await,
        }
        let replies = {
            let mut s = self.state();
            self.check(&s, endpoint)?;
            self.record(&mut s, RecordKind::Write, endpoint, data, with_response);
            let mut replies = self.run_script(&mut s, |r| r.fires_on_write(endpoint, data));
            if let Some(r) = s.responder.as_mut() {
                replies.extend(r.on_write(endpoint, data));
            }
            // Only subscribed endpoints deliver notifications, as on real BLE.
            replies
                .into_iter()
                .filter(|(e, _)| s.subscribed.contains(e))
                .collect::<Vec<_>>()
        };
        self.deliver(replies);
        Ok(())
    }

    async fn read(&self, endpoint: Endpoint, _timeout: Duration) -> Result<Vec<u8>, HardwareError> {
        let mut s = self.state();
        self.check(&s, endpoint)?;
        let scripted = s.reads.get_mut(&endpoint).and_then(VecDeque::pop_front);
        let data = match scripted {
            Some(d) => d,
            None => s
                .responder
                .as_mut()
                .and_then(|r| r.on_read(endpoint))
                .ok_or(HardwareError::Timeout)?,
        };
        self.record(&mut s, RecordKind::Read, endpoint, &data, false);
        Ok(data)
    }

    async fn subscribe(&self, endpoint: Endpoint) -> Result<(), HardwareError> {
        let replies = {
            let mut s = self.state();
            self.check(&s, endpoint)?;
            s.subscribed.insert(endpoint);
            self.record(&mut s, RecordKind::Subscribe, endpoint, &[], false);
            let mut replies = self.run_script(&mut s, |r| r.fires_on_subscribe(endpoint));
            if let Some(r) = s.responder.as_mut() {
                replies.extend(r.on_subscribe(endpoint));
            }
            replies
                .into_iter()
                .filter(|(e, _)| s.subscribed.contains(e))
                .collect::<Vec<_>>()
        };
        self.deliver(replies);
        Ok(())
    }

    async fn unsubscribe(&self, endpoint: Endpoint) -> Result<(), HardwareError> {
        let mut s = self.state();
        self.check(&s, endpoint)?;
        s.subscribed.remove(&endpoint);
        self.record(&mut s, RecordKind::Unsubscribe, endpoint, &[], false);
        Ok(())
    }

    fn events(&self) -> broadcast::Receiver<HardwareEvent> {
        self.inner.events.subscribe()
    }

    async fn disconnect(&self) {
        let was_connected = {
            let mut s = self.state();
            s.subscribed.clear();
            std::mem::replace(&mut s.connected, false)
        };
        if was_connected {
            let _ = self.inner.events.send(HardwareEvent::Disconnected);
        }
    }
}
