//! `plugwire serve`: the server for websocket clients, with Intiface Engine's flags.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use plugwire::ButtplugServer;
use plugwire::hardware::simulated::{SimulatedDeviceSpec, SimulatedHardware};
use plugwire::hardware::websocket_devices::DeviceWebsocketManager;
use plugwire::transport::{WebsocketOptions, WebsocketServer};

use crate::cli::{ServeOptions, split_simulate};
use crate::startup::{self, RunError};

/// Runs the server with parsed options until SIGINT/SIGTERM.
pub async fn run(options: ServeOptions) -> ExitCode {
    if options.server_version {
        println!("{}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    for (flag, what) in options.unsupported.given() {
        eprintln!(
            "plugwire serve: warning: {flag}: plugwire has no support for {what}; continuing without it"
        );
    }
    match serve(options).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("plugwire serve: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(o: ServeOptions) -> Result<(), RunError> {
    // Everything that can be wrong in the options is found before anything starts.
    let configs = startup::load_configs(
        o.device_config_file.as_deref(),
        o.user_device_config_file.as_deref(),
    )?;
    let simulate: Vec<(String, String)> = o.simulate.iter().map(|s| split_simulate(s)).collect();
    let names: Vec<String> = simulate.iter().map(|(n, _)| n.clone()).collect();
    startup::check_toy_names("--simulate", &names, &configs)?;
    let scripted = match &o.simulate_script {
        Some(path) => startup::load_toy_script(path, &configs)?,
        None => Vec::new(),
    };
    if let Some(path) = &o.simulated_log {
        startup::check_log_folder(path)?;
    }
    let mut simulated = None;
    let mut builder = ButtplugServer::builder()
        .serial(o.use_serial)
        .bluetooth_le(o.use_bluetooth_le)
        .name(o.server_name)
        .max_ping_time_ms(o.max_ping_time)
        .hardware_timeout(Duration::from_millis(u64::from(o.hardware_timeout)))
        .device_config(configs.devices)
        .user_config(configs.user);
    if !simulate.is_empty() || !scripted.is_empty() {
        let hw = SimulatedHardware::new();
        for (name, address) in simulate {
            hw.add_device(SimulatedDeviceSpec {
                name,
                address,
                ..Default::default()
            });
        }
        for spec in scripted {
            hw.add_device(spec);
        }
        builder = builder.simulated(hw.clone());
        simulated = Some(hw);
    }
    let ip = if o.websocket_use_all_interfaces {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    } else {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    };
    if o.use_device_websocket_server {
        let address = SocketAddr::new(ip, o.device_websocket_server_port);
        let devices = DeviceWebsocketManager::listen(address)
            .await
            .map_err(|source| RunError::Listen {
                flag: "--device-websocket-server-port",
                port: o.device_websocket_server_port,
                address,
                source,
            })?;
        println!(
            "plugwire serve: devices connect on ws://{}",
            devices.local_addr()
        );
        builder = builder.manager(devices);
    }
    let server = builder.build()?;
    let address = SocketAddr::new(ip, o.websocket_port);
    let liveness = Duration::from_millis(u64::from(o.websocket_client_timeout));
    let options = WebsocketOptions {
        ping_interval: liveness / 2,
        pong_timeout: liveness,
        idle_timeout: (o.websocket_idle_timeout > 0)
            .then(|| Duration::from_secs(u64::from(o.websocket_idle_timeout))),
        ..WebsocketOptions::default()
    };
    let ws = WebsocketServer::start_with(server.clone(), address, options)
        .await
        .map_err(|source| RunError::Listen {
            flag: "--websocket-port",
            port: o.websocket_port,
            address,
            source,
        })?;
    // Signals are caught from before the readiness line: a SIGTERM sent as soon as the
    // line is read must stop the devices, not kill the process.
    let stop = shutdown_signal();
    // The readiness line launch scripts and tests wait for.
    println!("plugwire serve: listening on ws://{}", ws.local_addr());
    stop.await;
    // No connection's command is accepted any more, every device stops, then the
    // connections close: the order that leaves no toy running.
    ws.shutdown().await;
    if let (Some(file), Some(hw)) = (&o.simulated_log, &simulated) {
        std::fs::write(file, simulated_log(hw)).map_err(|source| RunError::WriteLog {
            path: file.clone(),
            source,
        })?;
    }
    println!("plugwire serve: stopped");
    Ok(())
}

/// Starts catching SIGINT and SIGTERM (on Windows: Ctrl+C, Ctrl+Break, console close) now;
/// the future ends at the first of them.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        // Created here, not when first polled: the handlers are in place on return.
        let interrupt = signal(SignalKind::interrupt());
        let terminate = signal(SignalKind::terminate());
        async move {
            match (interrupt, terminate) {
                (Ok(mut interrupt), Ok(mut terminate)) => {
                    tokio::select! {
                        _ = interrupt.recv() => {}
                        _ = terminate.recv() => {}
                    }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(windows)]
    {
        use tokio::signal::windows::{ctrl_break, ctrl_c, ctrl_close};
        // Ctrl+C, Ctrl+Break and the console closing, each caught from here on (Wine turns
        // a SIGINT sent to the process into Ctrl+C).
        let (interrupt, brk, close) = (ctrl_c(), ctrl_break(), ctrl_close());
        async move {
            match (interrupt, brk, close) {
                (Ok(mut interrupt), Ok(mut brk), Ok(mut close)) => {
                    tokio::select! {
                        _ = interrupt.recv() => {}
                        _ = brk.recv() => {}
                        _ = close.recv() => {}
                    }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(any(unix, windows)))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
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
