//! A PTY pair from socat standing in for a serial device: plugwire opens one end, a
//! simulator reads what arrives on the other. Shared by the serial tests
//! (`tests/serial_tcode.rs`, `tests/serial_families.rs`).
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub const WAIT: Duration = Duration::from_secs(10);

/// A PTY pair: `dev` is the port plugwire opens, `sim` the simulator's end.
pub struct Pty {
    socat: Child,
    pub dev: PathBuf,
    pub sim: PathBuf,
}

impl Pty {
    /// Links `dir/<name>` (plugwire's end) and `dir/<name>.sim` (the simulator's).
    pub fn start(dir: &Path, name: &str) -> Pty {
        let dev = dir.join(name);
        let sim = dir.join(format!("{name}.sim"));
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

    /// The simulator: every message it receives, up to and including `end`, goes to the
    /// channel as raw bytes.
    pub fn messages(&self, end: u8) -> mpsc::Receiver<Vec<u8>> {
        let (tx, rx) = mpsc::channel();
        let port = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&self.sim)
            .expect("open sim end");
        std::thread::spawn(move || {
            let mut reader = BufReader::new(port);
            loop {
                let mut message = Vec::new();
                match reader.read_until(end, &mut message) {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {
                        if tx.send(message).is_err() {
                            return;
                        }
                    }
                }
            }
        });
        rx
    }

    /// The simulator for line protocols: every line it receives, without the `\n`.
    pub fn lines(&self) -> mpsc::Receiver<String> {
        let raw = self.messages(b'\n');
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for mut message in raw {
                if message.last() == Some(&b'\n') {
                    message.pop();
                }
                if tx
                    .send(String::from_utf8_lossy(&message).into_owned())
                    .is_err()
                {
                    return;
                }
            }
        });
        rx
    }

    pub fn unplug(&mut self) {
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

/// The next message the simulator got, within [`WAIT`].
pub fn next<T>(rx: &mpsc::Receiver<T>) -> T {
    rx.recv_timeout(WAIT).expect("the simulator got a command")
}

/// A fresh directory for one test's PTY links.
pub fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("plugwire-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A user configuration that puts `protocol`'s device on `port`, plus `extra` (more keys
/// of the protocol's entry, e.g. `"configurations": [...]`, each preceded by a comma).
pub fn serial_user_config(protocol: &str, port: &Path, baud: u32, extra: &str) -> String {
    let port = port.display();
    format!(
        r#"{{"version": {{"major": 4, "minor": 0}}, "user_configs": {{"protocols": {{"{protocol}": {{
        "communication": [{{"serial": {{"port": "{port}", "baud_rate": {baud}, "data_bits": 8, "parity": "N", "stop_bits": 1}}}}]{extra}}}}}}}}}"#
    )
}
