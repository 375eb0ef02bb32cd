//! `plugwire serve` as a child process for the network tests (REST API, token, remote
//! client, repeater, mDNS): started with any flags, its announced addresses read from
//! the lines it prints before the readiness line, stopped with SIGTERM or killed on drop.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};

pub struct Serve {
    pub child: Child,
    pub stdout: BufReader<ChildStdout>,
    /// Every line up to and including the readiness line.
    pub lines: Vec<String>,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    /// Starts `plugwire serve ARGS` and reads its lines up to the readiness line
    /// (`listening on`, `connecting to` or `repeating`).
    pub fn start(args: &[&str]) -> Serve {
        Self::start_with(Command::new(env!("CARGO_BIN_EXE_plugwire")), args)
    }

    /// [`Serve::start`] through a prepared command (e.g. `ip netns exec NS plugwire`).
    pub fn start_with(mut command: Command, args: &[&str]) -> Serve {
        let mut child = command
            .arg("serve")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("plugwire serve starts");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            let n = stdout.read_line(&mut line).unwrap();
            assert!(n > 0, "plugwire serve ended before it was ready: {lines:?}");
            let line = line.trim_end().to_string();
            let ready = ["listening on", "connecting to", "repeating"]
                .iter()
                .any(|w| line.contains(w));
            lines.push(line);
            if ready {
                break;
            }
        }
        Serve {
            child,
            stdout,
            lines,
        }
    }

    /// What follows `prefix` on the line starting with it.
    pub fn line_after(&self, prefix: &str) -> String {
        self.lines
            .iter()
            .find_map(|l| l.strip_prefix(prefix))
            .unwrap_or_else(|| panic!("no line starting {prefix:?} in {:?}", self.lines))
            .to_string()
    }

    /// `ws://ADDR` of the websocket server.
    pub fn ws_url(&self) -> String {
        self.line_after("plugwire serve: listening on ")
    }

    /// `http://ADDR/api/v1` of the REST API.
    pub fn rest_url(&self) -> String {
        self.line_after("plugwire serve: REST API on ")
    }

    /// Sends SIGTERM and waits for the exit; returns the rest of stdout.
    pub fn stop(mut self) -> String {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut self.stdout, &mut rest).unwrap();
        let code = self.child.wait().unwrap();
        assert!(code.success(), "plugwire serve exit: {code:?}\n{rest}");
        rest
    }
}

/// A fresh folder of its own under the system's temporary directory, for one server's
/// files (user config, token): `plugwire-<tag>-<pid>-<nanoseconds>`.
#[allow(dead_code)]
pub fn scratch(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "plugwire-{tag}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
