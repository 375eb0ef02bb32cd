//! The serial hardware manager: devices on serial ports named by `serial` specifiers in the
//! device or user configuration (port, baud, data bits, parity, stop bits). A port that
//! disappears removes its device; when the port reappears the device comes back.

use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::broadcast;

use super::{
    ConnectRequest, DiscoveredDevice, Endpoint, HardwareConnector, HardwareDevice, HardwareError,
    HardwareEvent, HardwareIdentity, HardwareInfo, HardwareManager, ManagerEvent, ManagerSink,
};
use crate::device::config::{Communication, SerialSpecifier};

/// How often the manager looks for ports that came back.
const WATCH_INTERVAL: Duration = Duration::from_millis(250);

use crate::poison::lock;

struct Inner {
    ports: Vec<String>,
    sink: OnceLock<ManagerSink>,
    /// Ports with an open device.
    open: Mutex<Vec<String>>,
}

/// Finds devices on the configured serial ports.
pub struct SerialManager {
    inner: Arc<Inner>,
    watcher: OnceLock<tokio::task::JoinHandle<()>>,
}

impl Drop for SerialManager {
    fn drop(&mut self) {
        if let Some(w) = self.watcher.get() {
            w.abort();
        }
    }
}

impl SerialManager {
    /// Watches the ports the given specifiers name (`default` ports, which the ecosystem
    /// file uses as placeholders, are skipped: a user config names the real port).
    pub fn new(specifiers: &[SerialSpecifier]) -> Arc<SerialManager> {
        let mut ports: Vec<String> = specifiers
            .iter()
            .filter(|s| s.port != "default" && !s.port.is_empty())
            .map(|s| s.port.clone())
            .collect();
        ports.sort();
        ports.dedup();
        Arc::new(SerialManager {
            inner: Arc::new(Inner {
                ports,
                sink: OnceLock::new(),
                open: Mutex::new(Vec::new()),
            }),
            watcher: OnceLock::new(),
        })
    }

    pub fn ports(&self) -> &[String] {
        &self.inner.ports
    }
}

impl Inner {
    /// Offers every configured port that exists and has no open device.
    fn announce_present(self: &Arc<Self>) {
        let Some(sink) = self.sink.get() else { return };
        for port in &self.ports {
            if lock(&self.open).contains(port) || !std::path::Path::new(port).exists() {
                continue;
            }
            sink.send(ManagerEvent::Found(DiscoveredDevice {
                info: HardwareInfo {
                    name: port.clone(),
                    address: port.clone(),
                    identity: HardwareIdentity::Serial { port: port.clone() },
                },
                connector: Box::new(SerialConnector {
                    port: port.clone(),
                    manager: self.clone(),
                }),
            }));
        }
    }
}

#[async_trait]
impl HardwareManager for SerialManager {
    fn name(&self) -> &'static str {
        "serial"
    }

    fn attach(&self, sink: ManagerSink) {
        let _ = self.inner.sink.set(sink);
        // Ports that come back are offered again; the device manager reconnects the ones it
        // knew and ignores the rest outside a scan.
        let inner = self.inner.clone();
        let _ = self.watcher.set(tokio::spawn(async move {
            loop {
                tokio::time::sleep(WATCH_INTERVAL).await;
                inner.announce_present();
            }
        }));
    }

    async fn start_scanning(&self) -> Result<(), HardwareError> {
        self.inner.announce_present();
        if let Some(sink) = self.inner.sink.get() {
            sink.send(ManagerEvent::ScanningFinished);
        }
        Ok(())
    }

    async fn stop_scanning(&self) -> Result<(), HardwareError> {
        Ok(())
    }
}

struct SerialConnector {
    port: String,
    manager: Arc<Inner>,
}

fn open_port(
    spec: &SerialSpecifier,
    path: &str,
) -> Result<Box<dyn serialport::SerialPort>, HardwareError> {
    let data_bits = match spec.data_bits {
        5 => serialport::DataBits::Five,
        6 => serialport::DataBits::Six,
        7 => serialport::DataBits::Seven,
        _ => serialport::DataBits::Eight,
    };
    let parity = match spec.parity.to_ascii_uppercase() {
        'E' => serialport::Parity::Even,
        'O' => serialport::Parity::Odd,
        _ => serialport::Parity::None,
    };
    let stop_bits = if spec.stop_bits == 2 {
        serialport::StopBits::Two
    } else {
        serialport::StopBits::One
    };
    serialport::new(path, spec.baud_rate)
        .data_bits(data_bits)
        .parity(parity)
        .stop_bits(stop_bits)
        .timeout(Duration::from_millis(100))
        .open()
        .map_err(|e| HardwareError::Other(format!("opening {path}: {e}")))
}

#[async_trait]
impl HardwareConnector for SerialConnector {
    async fn connect(
        &self,
        request: ConnectRequest<'_>,
    ) -> Result<Arc<dyn HardwareDevice>, HardwareError> {
        let Communication::Serial(spec) = request.communication else {
            return Err(HardwareError::Other(format!(
                "{} is not a serial protocol",
                request.protocol.name
            )));
        };
        let port = open_port(spec, &self.port)?;
        let reader = port
            .try_clone()
            .map_err(|e| HardwareError::Other(format!("{}: {e}", self.port)))?;
        let (events, _) = broadcast::channel(256);
        let device = Arc::new(SerialDevice {
            path: self.port.clone(),
            writer: Mutex::new(port),
            events: events.clone(),
            connected: Arc::new(AtomicBool::new(true)),
            manager: self.manager.clone(),
            reader: Mutex::new(None),
        });
        lock(&self.manager.open).push(self.port.clone());
        *lock(&device.reader) = spawn_reader(
            reader,
            events,
            device.connected.clone(),
            self.manager.clone(),
            self.port.clone(),
        );
        Ok(device)
    }
}

/// Reads what the device sends, on its own thread (the port API blocks), until the port
/// goes away or the device is disconnected or dropped.
fn spawn_reader(
    mut port: Box<dyn serialport::SerialPort>,
    events: broadcast::Sender<HardwareEvent>,
    connected: Arc<AtomicBool>,
    manager: Arc<Inner>,
    path: String,
) -> Option<std::thread::JoinHandle<()>> {
    let spawned = std::thread::Builder::new()
        .name("plugwire-serial".into())
        .spawn(move || {
            let mut buf = [0u8; 1024];
            while connected.load(Ordering::Acquire) {
                match port.read(&mut buf) {
                    Ok(0) => {}
                    Ok(n) => {
                        let _ = events.send(HardwareEvent::Notification {
                            endpoint: Endpoint::Rx,
                            data: buf[..n].to_vec(),
                        });
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                        // A port whose device node vanished keeps timing out on some
                        // systems; check it still exists.
                        if !std::path::Path::new(&path).exists() {
                            break;
                        }
                    }
                    Err(_) => break,
                }
            }
            connected.store(false, Ordering::Release);
            lock(&manager.open).retain(|p| p != &path);
            let _ = events.send(HardwareEvent::Disconnected);
        });
    match spawned {
        Ok(thread) => Some(thread),
        Err(e) => {
            tracing::warn!("cannot start the serial reader: {e}");
            None
        }
    }
}

pub struct SerialDevice {
    path: String,
    writer: Mutex<Box<dyn serialport::SerialPort>>,
    events: broadcast::Sender<HardwareEvent>,
    connected: Arc<AtomicBool>,
    manager: Arc<Inner>,
    /// The reader thread, which holds its own handle on the port.
    reader: Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl Drop for SerialDevice {
    /// A device dropped without `disconnect` (its task dropped when a runtime shuts down,
    /// e.g. the C ABI's last client freed) still closes its port: the reader sees
    /// `connected` cleared within its read timeout (100 ms) and ends, closing its handle,
    /// before this returns; the writer's handle closes with the device. A host that
    /// restarts can reopen the port at once.
    fn drop(&mut self) {
        self.connected.store(false, Ordering::Release);
        lock(&self.manager.open).retain(|p| p != &self.path);
        let reader = lock(&self.reader).take();
        if let Some(reader) = reader {
            if reader.thread().id() != std::thread::current().id() {
                let _ = reader.join();
            }
        }
    }
}

#[async_trait]
impl HardwareDevice for SerialDevice {
    fn name(&self) -> &str {
        &self.path
    }

    fn address(&self) -> &str {
        &self.path
    }

    fn endpoints(&self) -> Vec<Endpoint> {
        vec![Endpoint::Tx, Endpoint::Rx]
    }

    async fn write(
        &self,
        endpoint: Endpoint,
        data: &[u8],
        _with_response: bool,
    ) -> Result<(), HardwareError> {
        if endpoint != Endpoint::Tx {
            return Err(HardwareError::NoEndpoint(endpoint));
        }
        if !self.connected.load(Ordering::Acquire) {
            return Err(HardwareError::Disconnected);
        }
        let mut port = lock(&self.writer);
        port.write_all(data)
            .and_then(|_| port.flush())
            .map_err(|e| HardwareError::Other(format!("{}: {e}", self.path)))
    }

    async fn read(&self, _endpoint: Endpoint, timeout: Duration) -> Result<Vec<u8>, HardwareError> {
        super::next_message(&self.events, timeout).await
    }

    async fn subscribe(&self, _endpoint: Endpoint) -> Result<(), HardwareError> {
        Ok(())
    }

    async fn unsubscribe(&self, _endpoint: Endpoint) -> Result<(), HardwareError> {
        Ok(())
    }

    fn events(&self) -> broadcast::Receiver<HardwareEvent> {
        self.events.subscribe()
    }

    async fn disconnect(&self) {
        if self.connected.swap(false, Ordering::AcqRel) {
            lock(&self.manager.open).retain(|p| p != &self.path);
            let _ = self.events.send(HardwareEvent::Disconnected);
        }
    }
}
