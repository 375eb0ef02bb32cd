//! The command line: what `plugwire` accepts, with descriptions and defaults (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use plugwire::hardware::websocket_devices::DEFAULT_DEVICE_WEBSOCKET_PORT;

const LOG_HELP: &str = "Without --log, the PLUGWIRE_LOG environment variable sets the log filter \
(a level such as `debug`, or tracing directives such as `plugwire=debug,warn`); the default is \
`warn`. Logs go to stderr.";

/// plugwire: a Buttplug server and client for intimate hardware.
#[derive(Debug, Parser)]
#[command(name = "plugwire", version, propagate_version = true, after_help = LOG_HELP)]
pub struct Cli {
    /// Log level for every command; overrides PLUGWIRE_LOG.
    #[arg(long, value_name = "LEVEL", global = true, ignore_case = true)]
    pub log: Option<LogLevel>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogLevel {
    Off,
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    pub fn filter(self) -> &'static str {
        match self {
            LogLevel::Off => "off",
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run an embedded server with simulated toys, drive every feature of each and print
    /// the bytes each toy received.
    Demo(DemoOptions),
    /// Serve Buttplug clients over websocket; takes Intiface Engine's flags.
    Serve(Box<ServeOptions>),
    /// Play a funscript (and its `name.<axis>.funscript` siblings) on simulated toys,
    /// printing what each receives, or on Bluetooth LE toys.
    Play(PlayOptions),
}

#[derive(Debug, Args)]
#[command(after_help = LOG_HELP)]
pub struct PlayOptions {
    /// The script, e.g. `clip.funscript`.
    #[arg(value_name = "FILE.funscript")]
    pub file: PathBuf,
    /// A simulated toy by its advertised name (repeatable). Default: Launch and LVS-Lush.
    #[arg(long = "device", value_name = "NAME")]
    pub devices: Vec<String>,
    /// Play on Bluetooth LE toys (scans for 10 s first).
    #[arg(long)]
    pub use_bluetooth_le: bool,
    /// Play on the toys of a Buttplug server at URL instead (`plugwire serve`, Intiface
    /// Central; e.g. ws://127.0.0.1:12345): the player runs here and sends the server
    /// output commands, which the server stops as it stops any client's.
    #[arg(long, value_name = "URL", conflicts_with_all = ["devices", "use_bluetooth_le", "gap_ms"])]
    pub connect: Option<String>,
    /// Media time to start at, in ms.
    #[arg(long = "start", value_name = "MS", default_value_t = 0.0)]
    pub start_ms: f64,
    /// Playback rate.
    #[arg(long, default_value_t = 1.0)]
    pub rate: f64,
    /// Global offset in ms (positive plays ahead).
    #[arg(
        long = "offset",
        value_name = "MS",
        default_value_t = 0.0,
        allow_negative_numbers = true
    )]
    pub offset_ms: f64,
    /// Gap between writes for devices whose configuration names none.
    #[arg(long = "gap", value_name = "MS")]
    pub gap_ms: Option<u32>,
    /// Interpolation between actions.
    #[arg(long, value_enum, default_value_t = PlayInterpolation::Pchip)]
    pub interpolation: PlayInterpolation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlayInterpolation {
    Linear,
    Pchip,
    Step,
}

impl From<PlayInterpolation> for plugwire::playback::Interpolation {
    fn from(i: PlayInterpolation) -> Self {
        match i {
            PlayInterpolation::Linear => plugwire::playback::Interpolation::Linear,
            PlayInterpolation::Pchip => plugwire::playback::Interpolation::Pchip,
            PlayInterpolation::Step => plugwire::playback::Interpolation::Step,
        }
    }
}

#[derive(Debug, Args)]
#[command(after_help = LOG_HELP)]
pub struct DemoOptions {
    /// A simulated toy by its advertised name (repeatable), e.g. `LVS-Nora`, `J-Melody`.
    /// Default: LVS-Lush, LVS-Nora, LVS-Edge and LVS-Max.
    #[arg(long = "device", value_name = "NAME")]
    pub devices: Vec<String>,

    /// Instead: a spec v0 app that only sends SingleMotorVibrateCmd drives a simulated
    /// stroker, a rotating toy and a vibrator through a device group (docs/output-map.json).
    #[arg(long)]
    pub group: bool,
}

#[derive(Debug, Args)]
#[command(after_help = LOG_HELP)]
pub struct ServeOptions {
    /// Port for Buttplug clients (0 picks a free one).
    #[arg(
        long,
        value_name = "PORT",
        default_value_t = 12345,
        allow_negative_numbers = true
    )]
    pub websocket_port: u16,

    /// Listen on all network interfaces instead of loopback only.
    #[arg(long)]
    pub websocket_use_all_interfaces: bool,

    /// Server name sent to clients.
    #[arg(long, value_name = "NAME", default_value = "plugwire")]
    pub server_name: String,

    /// Ping timeout for clients in milliseconds (0: off).
    #[arg(
        long,
        value_name = "MS",
        default_value_t = 0,
        allow_negative_numbers = true
    )]
    pub max_ping_time: u32,

    /// Websocket liveness: a client from which nothing (not even a pong to the server's
    /// pings) was heard for this long, or that does not take what it is sent within it,
    /// is dropped and its devices stopped. The server pings at half this interval.
    #[arg(
        long,
        value_name = "MS",
        default_value_t = 10_000,
        value_parser = clap::value_parser!(u32).range(200..=3_600_000)
    )]
    pub websocket_client_timeout: u32,

    /// Idle policy when --max-ping-time is 0: a client that sent no message for this many
    /// seconds while no device runs on its commands is disconnected (close 1008), freeing
    /// the one client slot. A running toy keeps its client connected. 0: never.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 0,
        value_parser = clap::value_parser!(u32).range(0..=604_800)
    )]
    pub websocket_idle_timeout: u32,

    /// Bound on each hardware operation (write, subscribe, read); a device whose write does
    /// not complete within it is treated as lost (disconnected, reconnected when found).
    #[arg(
        long,
        value_name = "MS",
        default_value_t = 3_000,
        value_parser = clap::value_parser!(u32).range(50..=600_000)
    )]
    pub hardware_timeout: u32,

    /// Device configuration file (ecosystem format v4 or v5); its protocols replace the
    /// built-in ones.
    #[arg(long, value_name = "FILE")]
    pub device_config_file: Option<PathBuf>,

    /// User device configuration file (Intiface format).
    #[arg(long, value_name = "FILE")]
    pub user_device_config_file: Option<PathBuf>,

    /// Output map file (plugwire's own JSON): present toys with the outputs apps expect
    /// (a vibrate on a stroker, say) and define device groups (see the README's "Output
    /// mapping and device groups"). Kept apart from the user device configuration so that
    /// one still loads in Intiface Engine.
    #[arg(long, value_name = "FILE")]
    pub output_map: Option<PathBuf>,

    /// Find Bluetooth LE toys (BlueZ on Linux).
    #[arg(long)]
    pub use_bluetooth_le: bool,

    /// Watch the serial ports the device and user configurations name.
    #[arg(long)]
    pub use_serial: bool,

    /// Accept devices that connect over websocket.
    #[arg(long)]
    pub use_device_websocket_server: bool,

    /// Port for devices connecting over websocket.
    #[arg(long, value_name = "PORT", default_value_t = DEFAULT_DEVICE_WEBSOCKET_PORT, allow_negative_numbers = true)]
    pub device_websocket_server_port: u16,

    /// A simulated toy, by advertised name and optional address (repeatable).
    #[arg(long, value_name = "NAME[@ADDRESS]")]
    pub simulate: Vec<String>,

    /// Simulated toys from a JSON script: identity (model, firmware, battery, key) and rules
    /// the toy answers by (see the README's "Scripted simulated toys").
    #[arg(long, value_name = "FILE")]
    pub simulate_script: Option<PathBuf>,

    /// At exit, write what every simulated toy received to FILE (JSON).
    #[arg(long, value_name = "FILE")]
    pub simulated_log: Option<PathBuf>,

    /// Serve Lovense Game Mode (the Lovense Remote app's local "Standard API") on PORT
    /// (default 20010): games that speak only Lovense drive any toy. Loopback unless
    /// --websocket-use-all-interfaces. See docs/lovense-game-mode.md.
    #[arg(long, value_name = "PORT", num_args = 0..=1, default_missing_value = "20010")]
    pub lovense_game_mode: Option<u16>,

    /// Game Mode gives the one client slot back after the game sent nothing for this many
    /// seconds while no toy runs, so a Buttplug app can connect.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 10,
        value_parser = clap::value_parser!(u32).range(1..=86_400)
    )]
    pub lovense_game_mode_idle: u32,

    /// Print the version number only and exit (Intiface Engine's flag).
    #[arg(long)]
    pub server_version: bool,

    #[command(flatten)]
    pub network: NetworkOptions,

    #[command(flatten)]
    pub unsupported: UnsupportedFlags,
}

/// Where and how `plugwire serve` meets its clients beyond the websocket port: the
/// listen address, the REST API, mDNS, remote-client and repeater modes, the token.
#[derive(Debug, Args)]
#[command(next_help_heading = "Network")]
pub struct NetworkOptions {
    /// Address the websocket and REST servers listen on: an IP (`0.0.0.0`, `192.168.1.5`,
    /// `::`) or IP:PORT (the port then replaces --websocket-port). Wins over
    /// --websocket-use-all-interfaces.
    #[arg(long, value_name = "ADDR")]
    pub websocket_listen_address: Option<String>,

    /// Serve the REST API (Intiface Engine's routes under /api/v1, with server-sent
    /// events) on this port, beside the websocket server (0 picks a free one).
    #[arg(long, value_name = "PORT")]
    pub rest_api_port: Option<u16>,

    /// The REST client is gone, and the devices it drives stop, when no request came for
    /// this long and no event stream is open.
    #[arg(
        long,
        value_name = "MS",
        default_value_t = 10_000,
        value_parser = clap::value_parser!(u32).range(100..=86_400_000)
    )]
    pub rest_lease: u32,

    /// Announce the server on the local network over mDNS (`_intiface_engine._tcp`), so
    /// apps on other machines find it.
    #[arg(long)]
    pub broadcast_server_mdns: bool,

    /// mDNS instance name suffix: the server is announced as `Intiface SUFFIX` instead of
    /// `Intiface` and six random letters and digits.
    #[arg(long, value_name = "SUFFIX")]
    pub mdns_suffix: Option<String>,

    /// Remote-client mode: instead of listening, connect to a Buttplug client listening
    /// at this websocket address (`ws://host:port`) and serve it; reconnects with backoff.
    #[arg(long, value_name = "ADDRESS")]
    pub websocket_client_address: Option<String>,

    /// Repeater mode: no server; relay websocket connections on --repeater-port to the
    /// server at --repeater-remote-address.
    #[arg(long, requires_all = ["repeater_port", "repeater_remote_address"])]
    pub repeater: bool,

    /// Repeater mode's local port.
    #[arg(long, value_name = "PORT")]
    pub repeater_port: Option<u16>,

    /// Repeater mode's remote server (`ws://host:port`).
    #[arg(long, value_name = "ADDRESS")]
    pub repeater_remote_address: Option<String>,

    /// A file holding a token that websocket and REST connections from other machines
    /// must present (`Authorization: Bearer TOKEN`, or `?token=TOKEN` in the URL);
    /// loopback connections need none. Refused connections get HTTP 401.
    #[arg(long, value_name = "FILE")]
    pub auth_token_file: Option<std::path::PathBuf>,

    /// Require the token from loopback connections too (for testing a setup from the
    /// same machine).
    #[arg(long, requires = "auth_token_file")]
    pub auth_token_on_loopback: bool,
}

/// Intiface Engine flags for things plugwire does not have: accepted so launch scripts
/// work unchanged; each one given is named in a warning.
#[derive(Debug, Args)]
#[command(next_help_heading = "Intiface Engine flags plugwire lacks (accepted with a warning)")]
pub struct UnsupportedFlags {
    /// Not supported: HID devices.
    #[arg(long)]
    pub use_hid: bool,
    /// Not supported: the Lovense USB dongle in serial mode.
    #[arg(long)]
    pub use_lovense_dongle_serial: bool,
    /// Not supported: the Lovense USB dongle in HID mode.
    #[arg(long)]
    pub use_lovense_dongle_hid: bool,
    /// Not supported: XInput gamepads.
    #[arg(long)]
    pub use_xinput: bool,
    /// Not supported: the Lovense Connect app.
    #[arg(long)]
    pub use_lovense_connect: bool,
    /// Not supported: crash reporting.
    #[arg(long)]
    pub crash_reporting: bool,
    /// Not supported: the Intiface GUI's frontend channel.
    #[arg(long, value_name = "PORT")]
    pub frontend_websocket_port: Option<u16>,
    /// Not supported: raw device messages.
    #[arg(long)]
    pub allow_raw: bool,
    /// Not supported: SDL gamepads.
    #[arg(long)]
    pub use_sdl_gamepad: bool,
    /// Not supported: Intiface Engine's debugging aid that crashes the main thread.
    #[arg(long)]
    pub crash_main_thread: bool,
    /// Not supported: Intiface Engine's debugging aid that crashes a task thread.
    #[arg(long)]
    pub crash_task_thread: bool,
}

impl UnsupportedFlags {
    /// Each flag given, with what it would have turned on.
    pub fn given(&self) -> Vec<(&'static str, &'static str)> {
        let flags = [
            (self.use_hid, "--use-hid", "HID devices"),
            (
                self.use_lovense_dongle_serial,
                "--use-lovense-dongle-serial",
                "the Lovense dongle (serial)",
            ),
            (
                self.use_lovense_dongle_hid,
                "--use-lovense-dongle-hid",
                "the Lovense dongle (HID)",
            ),
            (self.use_xinput, "--use-xinput", "XInput gamepads"),
            (
                self.use_lovense_connect,
                "--use-lovense-connect",
                "the Lovense Connect app",
            ),
            (self.crash_reporting, "--crash-reporting", "crash reporting"),
            (
                self.frontend_websocket_port.is_some(),
                "--frontend-websocket-port",
                "the Intiface GUI frontend",
            ),
            (self.allow_raw, "--allow-raw", "raw device messages"),
            (self.use_sdl_gamepad, "--use-sdl-gamepad", "SDL gamepads"),
            (
                self.crash_main_thread,
                "--crash-main-thread",
                "crashing on purpose",
            ),
            (
                self.crash_task_thread,
                "--crash-task-thread",
                "crashing on purpose",
            ),
        ];
        flags
            .into_iter()
            .filter(|(on, _, _)| *on)
            .map(|(_, flag, what)| (flag, what))
            .collect()
    }
}

/// `NAME[@ADDRESS]` of `--simulate`.
pub fn split_simulate(value: &str) -> (String, String) {
    let (name, address) = value.split_once('@').unwrap_or((value, ""));
    (name.to_string(), address.to_string())
}
