//! `plugwire serve`: the server for websocket clients, with Intiface Engine's flags.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use plugwire::ButtplugServer;
use plugwire::frontends::lovense_game_mode::{GameModeOptions, LovenseGameMode};
use plugwire::hardware::simulated::{SimulatedDeviceSpec, SimulatedHardware};
use plugwire::hardware::websocket_devices::DeviceWebsocketManager;
use plugwire::transport::{AuthToken, RemoteClient, Repeater, WebsocketOptions, WebsocketServer};

use crate::cli::{NetworkOptions, ServeOptions, split_simulate};
use crate::mdns::{Announcement, instance_name};
use crate::rest::{RestOptions, RestServer};
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

/// Where the servers listen: `--websocket-listen-address` (an IP, or IP:PORT whose port
/// replaces `--websocket-port`), else loopback or every interface.
fn listen_ip(o: &ServeOptions) -> Result<(IpAddr, Option<u16>), RunError> {
    match &o.network.websocket_listen_address {
        Some(text) => {
            if let Ok(ip) = text.parse::<IpAddr>() {
                Ok((ip, None))
            } else if let Ok(address) = text.parse::<SocketAddr>() {
                Ok((address.ip(), Some(address.port())))
            } else {
                Err(RunError::ListenAddress(text.clone()))
            }
        }
        None if o.websocket_use_all_interfaces => Ok((IpAddr::V4(Ipv4Addr::UNSPECIFIED), None)),
        None => Ok((IpAddr::V4(Ipv4Addr::LOCALHOST), None)),
    }
}

fn auth_token(n: &NetworkOptions) -> Result<Option<AuthToken>, RunError> {
    let Some(path) = &n.auth_token_file else {
        return Ok(None);
    };
    let token = AuthToken::from_file(path)?;
    Ok(Some(if n.auth_token_on_loopback {
        token.required_on_loopback()
    } else {
        token
    }))
}

fn websocket_options(o: &ServeOptions, auth: Option<AuthToken>) -> WebsocketOptions {
    let liveness = Duration::from_millis(u64::from(o.websocket_client_timeout));
    WebsocketOptions {
        ping_interval: liveness / 2,
        pong_timeout: liveness,
        idle_timeout: (o.websocket_idle_timeout > 0)
            .then(|| Duration::from_secs(u64::from(o.websocket_idle_timeout))),
        auth,
        ..WebsocketOptions::default()
    }
}

/// Repeater mode: no Buttplug server, only the relay.
async fn repeat(o: ServeOptions, ip: IpAddr, auth: Option<AuthToken>) -> Result<(), RunError> {
    let port = o.network.repeater_port.unwrap_or_default();
    let remote = o
        .network
        .repeater_remote_address
        .clone()
        .unwrap_or_default();
    let address = SocketAddr::new(ip, port);
    let repeater = Repeater::start(address, &remote, websocket_options(&o, auth))
        .await
        .map_err(|source| RunError::Listen {
            flag: "--repeater-port",
            port,
            address,
            source,
        })?;
    let stop = shutdown_signal();
    println!(
        "plugwire serve: repeating ws://{} to {}",
        repeater.local_addr(),
        repeater.remote()
    );
    stop.await;
    repeater.shutdown().await;
    println!("plugwire serve: stopped");
    Ok(())
}

/// The websocket side of the server: listening, or dialling out in remote-client mode.
enum Clients {
    Listening(WebsocketServer),
    Dialling(RemoteClient),
}

async fn serve(o: ServeOptions) -> Result<(), RunError> {
    // Everything that can be wrong in the options is found before anything starts.
    let (ip, listen_port) = listen_ip(&o)?;
    let auth = auth_token(&o.network)?;
    if o.network.repeater {
        return repeat(o, ip, auth).await;
    }
    let options = websocket_options(&o, auth.clone());
    let configs = startup::load_configs(
        o.device_config_file.as_deref(),
        o.user_device_config_file.as_deref(),
    )?;
    let output_map = startup::load_output_map(o.output_map.as_deref())?;
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
        .user_config(configs.user)
        .output_map(output_map);
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
    let rest = match o.network.rest_api_port {
        Some(port) => {
            let address = SocketAddr::new(ip, port);
            let lease = Duration::from_millis(u64::from(o.network.rest_lease));
            let rest = RestServer::start(server.clone(), address, RestOptions { lease, auth })
                .await
                .map_err(|source| RunError::Listen {
                    flag: "--rest-api-port",
                    port,
                    address,
                    source,
                })?;
            println!(
                "plugwire serve: REST API on http://{}/api/v1",
                rest.local_addr()
            );
            Some(rest)
        }
        None => None,
    };
    let clients = match &o.network.websocket_client_address {
        Some(url) => Clients::Dialling(RemoteClient::start(server.clone(), url, options)),
        None => {
            let port = listen_port.unwrap_or(o.websocket_port);
            let address = SocketAddr::new(ip, port);
            let ws = WebsocketServer::start_with(server.clone(), address, options)
                .await
                .map_err(|source| RunError::Listen {
                    flag: "--websocket-port",
                    port,
                    address,
                    source,
                })?;
            Clients::Listening(ws)
        }
    };
    let mdns = match (&clients, o.network.broadcast_server_mdns) {
        (Clients::Listening(ws), true) => {
            let instance = instance_name(o.network.mdns_suffix.as_deref());
            let announcement = Announcement::start(&instance, ws.local_addr().port())?;
            if ws.local_addr().ip().is_loopback() {
                eprintln!(
                    "plugwire serve: warning: --broadcast-server-mdns: the server listens on loopback only, so other machines that find it cannot connect (add --websocket-use-all-interfaces)"
                );
            }
            println!(
                "plugwire serve: announced over mDNS as {:?}",
                announcement.instance()
            );
            Some(announcement)
        }
        (Clients::Dialling(_), true) => {
            eprintln!(
                "plugwire serve: warning: --broadcast-server-mdns: nothing to announce in remote-client mode (--websocket-client-address)"
            );
            None
        }
        _ => None,
    };
    let game_mode = match o.lovense_game_mode {
        None => None,
        Some(port) => {
            let address = SocketAddr::new(ip, port);
            let options = GameModeOptions {
                idle: Duration::from_secs(u64::from(o.lovense_game_mode_idle)),
            };
            let gm = LovenseGameMode::start(server.clone(), address, options)
                .await
                .map_err(|source| RunError::Listen {
                    flag: "--lovense-game-mode",
                    port,
                    address,
                    source,
                })?;
            println!(
                "plugwire serve: Lovense Game Mode on http://{}",
                gm.local_addr()
            );
            Some(gm)
        }
    };
    // Signals are caught from before the readiness line: a SIGTERM sent as soon as the
    // line is read must stop the devices, not kill the process.
    let stop = shutdown_signal();
    // The readiness line launch scripts and tests wait for.
    match &clients {
        Clients::Listening(ws) => {
            println!("plugwire serve: listening on ws://{}", ws.local_addr())
        }
        Clients::Dialling(_) => println!(
            "plugwire serve: connecting to {}",
            o.network
                .websocket_client_address
                .as_deref()
                .unwrap_or_default()
        ),
    }
    stop.await;
    if let Some(mdns) = mdns {
        mdns.withdraw();
    }
    // No connection's command is accepted any more, every device stops, then the
    // connections close: the order that leaves no toy running.
    // Game Mode first: its jobs end and it takes no command while the devices stop.
    if let Some(gm) = &game_mode {
        gm.shutdown().await;
    }
    match clients {
        Clients::Listening(ws) => ws.shutdown().await,
        Clients::Dialling(remote) => remote.shutdown().await,
    }
    if let Some(rest) = rest {
        rest.shutdown().await;
    }
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
