//! `--broadcast-server-mdns`: announces the websocket server on the local network as
//! Intiface Engine does (service `_intiface_engine._tcp`, instance `Intiface` and six
//! random letters and digits, TXT `path=/`), through mdns-sd (pure Rust, its own thread,
//! no system daemon).

use mdns_sd::{ServiceDaemon, ServiceInfo};

/// The service type Intiface Engine announces.
pub const SERVICE_TYPE: &str = "_intiface_engine._tcp.local.";

#[derive(Debug, thiserror::Error)]
#[error("--broadcast-server-mdns: {0}")]
pub struct MdnsError(String);

/// The announcement; withdrawn when [`Announcement::withdraw`] runs or it is dropped.
pub struct Announcement {
    daemon: ServiceDaemon,
    fullname: String,
    instance: String,
}

/// `Intiface` and `suffix`, or six random letters and digits when there is none.
pub fn instance_name(suffix: Option<&str>) -> String {
    match suffix {
        Some(s) => format!("Intiface {s}"),
        None => format!("Intiface {}", random_letters(6)),
    }
}

fn random_letters(n: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = vec![0u8; n];
    if getrandom::getrandom(&mut bytes).is_err() {
        // No entropy source: the name only has to differ between servers.
        let seed = std::process::id() as usize;
        bytes
            .iter_mut()
            .enumerate()
            .for_each(|(i, b)| *b = (seed >> (i * 5)) as u8);
    }
    bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

impl Announcement {
    /// Announces `instance` for the websocket server on `port`, on every interface.
    pub fn start(instance: &str, port: u16) -> Result<Announcement, MdnsError> {
        let daemon = ServiceDaemon::new().map_err(|e| MdnsError(e.to_string()))?;
        let host: String = instance
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let info = ServiceInfo::new(
            SERVICE_TYPE,
            instance,
            &format!("{host}.local."),
            "",
            port,
            &[("path", "/")][..],
        )
        .map_err(|e| MdnsError(e.to_string()))?
        .enable_addr_auto();
        let fullname = info.get_fullname().to_string();
        daemon
            .register(info)
            .map_err(|e| MdnsError(e.to_string()))?;
        Ok(Announcement {
            daemon,
            fullname,
            instance: instance.to_string(),
        })
    }

    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// Sends the goodbye so browsers drop the server at once.
    pub fn withdraw(self) {
        if let Ok(done) = self.daemon.unregister(&self.fullname) {
            let _ = done.recv_timeout(std::time::Duration::from_secs(1));
        }
        let _ = self.daemon.shutdown();
    }
}
