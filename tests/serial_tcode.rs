//! The serial manager over a real PTY pair from socat: a T-Code stroker simulator on the
//! other end checks the commands it receives; unplugging and replugging the port removes
//! and re-adds the device with the same index.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use plugwire::{ButtplugClient, ButtplugServer, ClientEvent, OutputType, OutputValue};

const WAIT: Duration = Duration::from_secs(10);

/// A PTY pair: `dev` is the port plugwire opens, `sim` the stroker's end.
struct Pty {
    socat: Child,
    dev: PathBuf,
    sim: PathBuf,
}

impl Pty {
    fn start(dir: &Path) -> Pty {
        let dev = dir.join("ttyOSR");
        let sim = dir.join("ttySIM");
        let socat = Command::new("socat")
            .arg(format!("pty,raw,echo=0,link={}", dev.display()))
            .arg(format!("pty,raw,echo=0,link={}", sim.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("socat (apt install socat)");
        let deadline = Instant::now() + WAIT;
        while !(dev.exists() && sim.exists()) {
            assert!(Instant::now() < deadline, "socat made no PTYs");
            std::thread::sleep(Duration::from_millis(10));
        }
        Pty { socat, dev, sim }
    }

    /// The stroker: every line it receives goes to the channel.
    fn stroker(&self) -> mpsc::Receiver<String> {
        let (tx, rx) = mpsc::channel();
        let port = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&self.sim)
            .expect("open sim end");
        std::thread::spawn(move || {
            for line in BufReader::new(port).lines() {
                let Ok(line) = line else { return };
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        rx
    }

    fn unplug(&mut self) {
        let _ = self.socat.kill();
        let _ = self.socat.wait();
        let _ = std::fs::remove_file(&self.dev);
        let _ = std::fs::remove_file(&self.sim);
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        self.unplug();
    }
}

fn user_config(port: &Path) -> String {
    let port = port.display();
    format!(
        r#"{{"version": {{"major": 4, "minor": 0}}, "user_configs": {{"protocols": {{"tcode-v03": {{
        "communication": [{{"serial": {{"port": "{port}", "baud_rate": 115200, "data_bits": 8, "parity": "N", "stop_bits": 1}}}}],
        "configurations": [{{"identifier": ["{port}"], "name": "OSR2 with vibrator", "features": [
            {{"index": 0, "output": {{"hw_position_with_duration": {{"value": [0, 999], "duration": [0, 100000]}}, "position": {{"value": [0, 999]}}}}}},
            {{"index": 1, "output": {{"vibrate": {{"value": [0, 99]}}}}}}]}}]}}}}}}}}"#
    )
}

fn next_line(rx: &mpsc::Receiver<String>) -> String {
    rx.recv_timeout(WAIT).expect("the stroker got a command")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tcode_stroker_end_to_end_with_unplug_and_replug() {
    let dir = std::env::temp_dir().join(format!("plugwire-serial-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut pty = Pty::start(&dir);
    let lines = pty.stroker();
    let server = ButtplugServer::builder()
        .serial(true)
        .user_config_json(&user_config(&pty.dev))
        .unwrap()
        .build()
        .unwrap();
    let client = ButtplugClient::connect_in_process("serial test", &server)
        .await
        .unwrap();
    let mut events = client.events();
    client.scan(WAIT).await.unwrap();
    let osr = client.devices().pop().expect("the stroker is found");
    assert_eq!(osr.name(), "OSR2 with vibrator");

    osr.position_with_duration(0.5, 500).await.unwrap();
    assert_eq!(next_line(&lines), "L0499I500");
    osr.output(1, OutputType::Vibrate, OutputValue::Float(0.5))
        .await
        .unwrap();
    assert_eq!(next_line(&lines), "V150");
    osr.output(0, OutputType::Position, OutputValue::Steps(250))
        .await
        .unwrap();
    assert_eq!(next_line(&lines), "L0250");
    assert_eq!(next_line(&lines), "R0250");
    osr.stop().await.unwrap();
    assert_eq!(next_line(&lines), "V100");

    // Unplug: the device is removed and its commands fail cleanly.
    let index = osr.index();
    pty.unplug();
    loop {
        match tokio::time::timeout(WAIT, events.recv())
            .await
            .expect("removal in time")
            .unwrap()
        {
            ClientEvent::DeviceRemoved { index: i, .. } => {
                assert_eq!(i, index);
                break;
            }
            _ => continue,
        }
    }
    assert!(osr.vibrate(0.2).await.is_err());

    // Replug: the same port comes back and so does the device, with its index.
    let pty2 = Pty::start(&dir);
    let lines2 = pty2.stroker();
    let back = loop {
        match tokio::time::timeout(WAIT, events.recv())
            .await
            .expect("re-added in time")
            .unwrap()
        {
            ClientEvent::DeviceAdded(d) => break d,
            _ => continue,
        }
    };
    assert_eq!(back.index(), index);
    back.output(1, OutputType::Vibrate, OutputValue::Steps(9))
        .await
        .unwrap();
    assert_eq!(next_line(&lines2), "V109");
    client.disconnect().await.unwrap();
    assert_eq!(next_line(&lines2), "V100");
    drop(pty2);
    let _ = std::fs::remove_dir_all(&dir);
}
