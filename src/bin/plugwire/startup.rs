//! Checks done before anything starts, so a mistake is reported at once and by name:
//! configuration files, simulated toy names, the folder of the simulated log.

use std::path::{Path, PathBuf};

use plugwire::device::config::{
    ConfigError, DEVICE_CONFIG, DeviceConfigDb, USER_CONFIG, UserConfig, find_protocol,
};
use plugwire::device::protocols::ProtocolRegistry;
use plugwire::hardware::{HardwareIdentity, HardwareInfo};

/// What stops a `plugwire` command: start-up checks first, then what can fail while
/// running or stopping.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{what} {}: cannot be read: {source}", path.display())]
    Read {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{flag} {name}: no protocol knows a toy of that name")]
    UnknownToy { flag: &'static str, name: String },
    #[error(
        "{flag} {name}: the name belongs to protocol {protocol}, which plugwire does not implement"
    )]
    UnimplementedProtocol {
        flag: &'static str,
        name: String,
        protocol: String,
    },
    #[error("--simulated-log {}: the folder {} does not exist", path.display(), folder.display())]
    NoLogFolder { path: PathBuf, folder: PathBuf },
    #[error("{flag} {port}: cannot listen on {address}: {source}")]
    Listen {
        flag: &'static str,
        port: u16,
        address: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("{0}")]
    Server(#[from] plugwire::server::ServerError),
    #[error("--simulated-log {}: {source}", path.display())]
    WriteLog {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "--websocket-listen-address {0}: not an IP address or IP:PORT (e.g. 0.0.0.0, 192.168.1.5:12345, [::1]:12345)"
    )]
    ListenAddress(String),
    #[error(transparent)]
    AuthToken(#[from] plugwire::transport::AuthTokenError),
    #[error(transparent)]
    Mdns(#[from] crate::mdns::MdnsError),
}

/// The configurations a server starts with: plugwire's own definitions with a device
/// configuration file on top, and the user configuration.
pub struct Configs {
    pub devices: DeviceConfigDb,
    pub user: UserConfig,
}

fn read(what: &'static str, path: &Path) -> Result<String, RunError> {
    std::fs::read_to_string(path).map_err(|source| RunError::Read {
        what,
        path: path.to_path_buf(),
        source,
    })
}

/// Reads and checks both configuration files; errors name the file.
pub fn load_configs(
    device_config: Option<&Path>,
    user_config: Option<&Path>,
) -> Result<Configs, RunError> {
    let mut devices = DeviceConfigDb::builtin();
    if let Some(path) = device_config {
        let name = format!("{DEVICE_CONFIG} file {}", path.display());
        let text = read("device configuration file", path)?;
        devices.extend(DeviceConfigDb::from_named_json(&name, &text)?);
    }
    let user = match user_config {
        Some(path) => {
            let name = format!("{USER_CONFIG} file {}", path.display());
            let text = read("user device configuration file", path)?;
            UserConfig::from_named_json(&name, &text)?
        }
        None => UserConfig::default(),
    };
    Ok(Configs { devices, user })
}

/// Reads and checks an output map file; errors name the file, the JSON path and what was
/// expected there.
pub fn load_output_map(path: Option<&Path>) -> Result<plugwire::server::OutputMap, RunError> {
    match path {
        None => Ok(plugwire::server::OutputMap::default()),
        Some(path) => {
            let text = read("--output-map", path)?;
            let name = format!("output map {}", path.display());
            Ok(plugwire::server::OutputMap::from_named_json(&name, &text)?)
        }
    }
}

/// Every simulated toy name must match a protocol plugwire implements.
pub fn check_toy_names(
    flag: &'static str,
    names: &[String],
    configs: &Configs,
) -> Result<(), RunError> {
    let mut db = configs.devices.clone();
    configs.user.add_protocols_to(&mut db);
    let registry = ProtocolRegistry::builtin();
    for name in names {
        let info = HardwareInfo {
            name: name.clone(),
            address: String::new(),
            identity: HardwareIdentity::Ble {
                services: vec![],
                manufacturer_data: vec![],
            },
        };
        let Some(found) = find_protocol(&db, &info) else {
            return Err(RunError::UnknownToy {
                flag,
                name: name.clone(),
            });
        };
        if registry.get(&found.protocol).is_none() {
            return Err(RunError::UnimplementedProtocol {
                flag,
                name: name.clone(),
                protocol: found.protocol,
            });
        }
    }
    Ok(())
}

/// Reads the toys of a `--simulate-script` file; their names must match protocols.
pub fn load_toy_script(
    path: &Path,
    configs: &Configs,
) -> Result<Vec<plugwire::hardware::simulated::SimulatedDeviceSpec>, RunError> {
    let text = read("--simulate-script", path)?;
    let toys = plugwire::hardware::simulated::toys_from_json(&path.display().to_string(), &text)?;
    let names: Vec<String> = toys.iter().map(|t| t.name.clone()).collect();
    check_toy_names("--simulate-script", &names, configs)?;
    Ok(toys)
}

/// The simulated log is written at exit: its folder must exist now.
pub fn check_log_folder(path: &Path) -> Result<(), RunError> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if folder.is_dir() {
        Ok(())
    } else {
        Err(RunError::NoLogFolder {
            path: path.to_path_buf(),
            folder: folder.to_path_buf(),
        })
    }
}
