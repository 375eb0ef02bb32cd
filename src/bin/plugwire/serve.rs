//! `plugwire serve`: the server for websocket clients, with Intiface Engine's flags.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use plugwire::ButtplugServer;
use plugwire::hardware::simulated::{SimulatedDeviceSpec, SimulatedHardware};
use plugwire::hardware::websocket_devices::{
    DEFAULT_DEVICE_WEBSOCKET_PORT, DeviceWebsocketManager,
};
use plugwire::transport::WebsocketServer;

#[derive(Debug)]
struct Options {
    port: u16,
    all_interfaces: bool,
    server_name: String,
    max_ping_time: u32,
    device_config_file: Option<String>,
    user_device_config_file: Option<String>,
    simulate: Vec<(String, String)>,
    device_websocket: bool,
    device_websocket_port: u16,
    simulated_log: Option<String>,
    serial: bool,
    bluetooth_le: bool,
}

const USAGE: &str = "usage: plugwire serve [--websocket-port N] [--websocket-use-all-interfaces]
  [--server-name NAME] [--max-ping-time MS] [--device-config-file FILE]
  [--user-device-config-file FILE] [--use-bluetooth-le] [--use-serial]
  [--use-device-websocket-server] [--device-websocket-server-port N] [--log LEVEL]
  [--simulate NAME[@ADDRESS]]... [--simulated-log FILE]
--simulated-log writes what every simulated device received to FILE (JSON) at exit.";

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        port: 12345,
        all_interfaces: false,
        server_name: "plugwire".into(),
        max_ping_time: 0,
        device_config_file: None,
        user_device_config_file: None,
        simulate: Vec::new(),
        device_websocket: false,
        device_websocket_port: DEFAULT_DEVICE_WEBSOCKET_PORT,
        simulated_log: None,
        serial: false,
        bluetooth_le: false,
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or(format!("{name} needs a value"));
        match flag.as_str() {
            "--websocket-port" => {
                o.port = value(flag)?
                    .parse()
                    .map_err(|e| format!("--websocket-port: {e}"))?
            }
            "--websocket-use-all-interfaces" => o.all_interfaces = true,
            "--server-name" => o.server_name = value(flag)?,
            "--max-ping-time" => {
                o.max_ping_time = value(flag)?
                    .parse()
                    .map_err(|e| format!("--max-ping-time: {e}"))?
            }
            "--device-config-file" => o.device_config_file = Some(value(flag)?),
            "--user-device-config-file" => o.user_device_config_file = Some(value(flag)?),
            "--simulate" => {
                let v = value(flag)?;
                let (name, address) = v.split_once('@').unwrap_or((&v, ""));
                o.simulate.push((name.to_string(), address.to_string()));
            }
            "--simulated-log" => o.simulated_log = Some(value(flag)?),
            "--use-device-websocket-server" => o.device_websocket = true,
            "--use-serial" => o.serial = true,
            "--use-bluetooth-le" => o.bluetooth_le = true,
            "--device-websocket-server-port" => {
                o.device_websocket_port = value(flag)?
                    .parse()
                    .map_err(|e| format!("--device-websocket-server-port: {e}"))?
            }
            // Read before the logger starts (see main); accepted here.
            "--log" => {
                value(flag)?;
            }
            f if f.starts_with("--use-") => {
                eprintln!(
                    "plugwire serve: {f}: that hardware manager is not available in this build yet; continuing without it"
                );
            }
            "--help" | "-h" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown flag {other}\n{USAGE}")),
        }
    }
    Ok(o)
}

pub async fn run(args: &[String]) -> ExitCode {
    let options = match parse(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match serve(options).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("plugwire serve: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(o: Options) -> Result<(), Box<dyn std::error::Error>> {
    let mut simulated = None;
    let mut builder = ButtplugServer::builder()
        .serial(o.serial)
        .bluetooth_le(o.bluetooth_le)
        .name(o.server_name)
        .max_ping_time_ms(o.max_ping_time);
    if let Some(file) = &o.device_config_file {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
        builder = builder.device_config_json(&text)?;
    }
    if let Some(file) = &o.user_device_config_file {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
        builder = builder.user_config_json(&text)?;
    }
    if !o.simulate.is_empty() {
        let hw = SimulatedHardware::new();
        for (name, address) in o.simulate {
            hw.add_device(SimulatedDeviceSpec {
                name,
                address,
                ..Default::default()
            });
        }
        builder = builder.simulated(hw.clone());
        simulated = Some(hw);
    }
    let ip = if o.all_interfaces {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    } else {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    };
    if o.device_websocket {
        let devices =
            DeviceWebsocketManager::listen(SocketAddr::new(ip, o.device_websocket_port)).await?;
        println!(
            "plugwire serve: devices connect on ws://{}",
            devices.local_addr()
        );
        builder = builder.manager(devices);
    }
    let server = builder.build()?;
    let ws = WebsocketServer::start(server.clone(), SocketAddr::new(ip, o.port)).await?;
    // The readiness line launch scripts and tests wait for.
    println!("plugwire serve: listening on ws://{}", ws.local_addr());
    wait_for_signal().await;
    // No connection's command is accepted any more, every device stops, then the
    // connections close: the order that leaves no toy running.
    ws.shutdown().await;
    if let (Some(file), Some(hw)) = (&o.simulated_log, &simulated) {
        std::fs::write(file, simulated_log(hw)).map_err(|e| format!("{file}: {e}"))?;
    }
    println!("plugwire serve: stopped");
    Ok(())
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// What each simulated device received, as JSON: address -> list of records.
fn simulated_log(hw: &SimulatedHardware) -> String {
    let devices: serde_json::Map<String, serde_json::Value> = hw
        .devices()
        .iter()
        .map(|d| {
            let records: Vec<serde_json::Value> = d
                .log()
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "kind": format!("{:?}", r.kind),
                        "endpoint": r.endpoint.name(),
                        "data": r.data,
                        "text": String::from_utf8_lossy(&r.data),
                        "with_response": r.with_response,
                        "at_ms": r.at.as_secs_f64() * 1000.0,
                    })
                })
                .collect();
            (d.address().to_string(), serde_json::Value::Array(records))
        })
        .collect();
    serde_json::Value::Object(devices).to_string()
}
