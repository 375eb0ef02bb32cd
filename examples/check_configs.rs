//! Loads configuration files through plugwire's real loader and reports what it found:
//! ecosystem device configs (v4, v5) and Intiface user configs. For device configs it also
//! checks that every Bluetooth LE name the file lists resolves to a protocol claiming it at
//! least as specifically, and that every serial specifier resolves to its protocol once a
//! user config names a port for it (the files' `default` port is a placeholder). Run by
//! `scripts/check-ecosystem-configs PATH...`.
//!
//! Exit status: 0 when every file loads and resolves, 1 otherwise, 2 without paths.

use std::process::ExitCode;

use plugwire::device::config::{
    Communication, DEVICE_CONFIG, DeviceConfigDb, SerialSpecifier, USER_CONFIG, UserConfig,
    find_protocol,
};
use plugwire::hardware::{HardwareIdentity, HardwareInfo};

fn ble(name: &str) -> HardwareInfo {
    HardwareInfo {
        name: name.to_string(),
        address: "00:11".into(),
        identity: HardwareIdentity::Ble {
            services: vec![],
            manufacturer_data: vec![],
        },
    }
}

/// Every BLE name resolves to a protocol that lists it (exact names) or whose pattern
/// covers it at least as specifically (prefixes). Returns the count or the first problem.
fn every_name_resolves(db: &DeviceConfigDb) -> Result<usize, String> {
    let mut checked = 0;
    for protocol in db.protocols() {
        for comm in &protocol.communication {
            let Communication::Btle(spec) = comm else {
                continue;
            };
            for pattern in &spec.names {
                let name = match pattern.strip_suffix('*') {
                    Some(prefix) => format!("{prefix}Z9"),
                    None => pattern.clone(),
                };
                let found = find_protocol(db, &ble(&name))
                    .ok_or_else(|| format!("{name} ({}) resolves to nothing", protocol.name))?;
                if found.protocol != protocol.name {
                    let claimer = db
                        .protocol(&found.protocol)
                        .ok_or_else(|| format!("{name}: resolved to a missing protocol"))?;
                    let exact_elsewhere = claimer.btle().any(|b| b.names.contains(&name));
                    if !(pattern.ends_with('*') || exact_elsewhere) {
                        return Err(format!(
                            "{name} belongs to {} but resolved to {}",
                            protocol.name, found.protocol
                        ));
                    }
                }
                checked += 1;
            }
        }
    }
    Ok(checked)
}

/// A user config naming `port` for `protocol`, with the file's serial settings.
fn serial_user_config(protocol: &str, port: &str, spec: &SerialSpecifier) -> String {
    serde_json::json!({
        "version": {"major": 4, "minor": 0},
        "user_configs": {"protocols": {protocol: {"communication": [{"serial": {
            "port": port,
            "baud_rate": spec.baud_rate,
            "data_bits": spec.data_bits,
            "parity": spec.parity.to_string(),
            "stop_bits": spec.stop_bits,
        }}]}}}
    })
    .to_string()
}

/// Every serial specifier resolves to its protocol: with a user config naming a port for
/// the protocol (as users set up tcode-v03, nobra, kizuna, ...), a device on that port
/// matches the protocol with the file's serial settings. Returns the count or the first
/// problem.
fn every_serial_port_resolves(db: &DeviceConfigDb) -> Result<usize, String> {
    let mut checked = 0;
    for protocol in db.protocols() {
        for comm in &protocol.communication {
            let Communication::Serial(spec) = comm else {
                continue;
            };
            let port = format!("/dev/plugwire-check-{}", protocol.name);
            let user = UserConfig::from_json(&serial_user_config(&protocol.name, &port, spec))
                .map_err(|e| format!("{}: user config naming {port}: {e}", protocol.name))?;
            let mut with_port = db.clone();
            user.add_protocols_to(&mut with_port);
            let device = HardwareInfo {
                name: port.clone(),
                address: port.clone(),
                identity: HardwareIdentity::Serial { port: port.clone() },
            };
            let found = find_protocol(&with_port, &device).ok_or_else(|| {
                format!("serial port {port} ({}) resolves to nothing", protocol.name)
            })?;
            if found.protocol != protocol.name {
                return Err(format!(
                    "serial port {port} belongs to {} but resolved to {}",
                    protocol.name, found.protocol
                ));
            }
            let expected = SerialSpecifier {
                port: port.clone(),
                ..spec.clone()
            };
            if found.communication != Communication::Serial(expected) {
                return Err(format!(
                    "serial port {port} ({}) matched other settings: {:?}",
                    protocol.name, found.communication
                ));
            }
            checked += 1;
        }
    }
    Ok(checked)
}

fn check(path: &str) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot be read: {e}"))?;
    let is_user_config = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .is_some_and(|v| v.get("user_configs").is_some());
    if is_user_config {
        let user = UserConfig::from_named_json(&format!("{USER_CONFIG} file {path}"), &text)
            .map_err(|e| e.to_string())?;
        return Ok(format!(
            "user device configuration: {} device entries, {} protocol additions",
            user.devices.len(),
            user.protocol_additions.len()
        ));
    }
    let db = DeviceConfigDb::from_named_json(&format!("{DEVICE_CONFIG} file {path}"), &text)
        .map_err(|e| e.to_string())?;
    let names = every_name_resolves(&db)?;
    let ports = every_serial_port_resolves(&db)?;
    Ok(format!(
        "device configuration v{}.{}: {} protocols, {names} Bluetooth LE names and {ports} serial specifiers each resolve to their protocol",
        db.version.0,
        db.version.1,
        db.len()
    ))
}

fn main() -> ExitCode {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        eprintln!("usage: check_configs PATH...  (device configs v4/v5 or user configs)");
        return ExitCode::from(2);
    }
    let mut failed = false;
    for path in &paths {
        match check(path) {
            Ok(summary) => println!("ok   {path}: {summary}"),
            Err(e) => {
                println!("FAIL {path}: {e}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
