//! The `plugwire` command line, run as the real binary: help and version on stdout with
//! exit 0 for every command, bad values named with the flag and the value, typos answered
//! with the right flag, every Intiface Engine flag accepted (those for hardware plugwire
//! lacks with a warning naming them), and mistakes found before start-up.

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::process::{Command, Output, Stdio};

fn plugwire(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plugwire"))
        .args(args)
        .env_remove("PLUGWIRE_LOG")
        .output()
        .expect("plugwire runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn help_goes_to_stdout_with_exit_0_for_every_command() {
    for args in [
        &["--help"][..],
        &["-h"],
        &["help"],
        &["help", "serve"],
        &["serve", "--help"],
        &["serve", "-h"],
        &["demo", "--help"],
        &["help", "demo"],
    ] {
        let out = plugwire(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).is_empty(), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).contains("Usage: plugwire"), "{args:?}");
        assert!(stdout(&out).contains("PLUGWIRE_LOG"), "{args:?}");
    }
    let top = stdout(&plugwire(&["--help"]));
    assert!(top.contains("demo   Run an embedded server with simulated toys"));
    assert!(top.contains("--log <LEVEL>"));
    let serve = stdout(&plugwire(&["serve", "--help"]));
    for text in [
        "--websocket-port <PORT>",
        "[default: 12345]",
        "--device-websocket-server-port <PORT>",
        "[default: 54817]",
        "[default: plugwire]",
        "--simulate <NAME[@ADDRESS]>",
        "--simulated-log <FILE>",
        "[possible values: off, error, warn, info, debug, trace]",
        "Intiface Engine flags plugwire lacks (accepted with a warning)",
        "--use-lovense-connect",
    ] {
        assert!(
            serve.contains(text),
            "serve --help lacks {text:?}:\n{serve}"
        );
    }
    assert!(stdout(&plugwire(&["demo", "--help"])).contains("--device <NAME>"));
}

/// Every flag of Intiface Engine 5.0.5's command line, so its launch scripts run unchanged.
const ENGINE_FLAGS: &[&str] = &[
    "--version",
    "--server-version",
    "--websocket-use-all-interfaces",
    "--websocket-port",
    "--websocket-listen-address",
    "--websocket-client-address",
    "--frontend-websocket-port",
    "--server-name",
    "--device-config-file",
    "--user-device-config-file",
    "--max-ping-time",
    "--log",
    "--use-bluetooth-le",
    "--use-serial",
    "--use-hid",
    "--use-lovense-dongle-serial",
    "--use-lovense-dongle-hid",
    "--use-xinput",
    "--use-lovense-connect",
    "--use-sdl-gamepad",
    "--use-device-websocket-server",
    "--device-websocket-server-port",
    "--broadcast-server-mdns",
    "--mdns-suffix",
    "--repeater",
    "--repeater-port",
    "--repeater-remote-address",
    "--rest-api-port",
    "--crash-main-thread",
    "--crash-task-thread",
];

#[test]
fn serve_help_lists_every_intiface_engine_flag() {
    let serve = stdout(&plugwire(&["serve", "--help"]));
    for flag in ENGINE_FLAGS {
        let listed = serve
            .lines()
            .any(|l| l.trim_start().split([' ', ',']).any(|w| w == *flag));
        assert!(listed, "serve --help lacks {flag}:\n{serve}");
    }
}

#[test]
fn version_for_every_command() {
    let version = env!("CARGO_PKG_VERSION");
    for (args, expected) in [
        (&["--version"][..], format!("plugwire {version}\n")),
        (&["-V"], format!("plugwire {version}\n")),
        (
            &["serve", "--version"],
            format!("plugwire-serve {version}\n"),
        ),
        (&["demo", "-V"], format!("plugwire-demo {version}\n")),
    ] {
        let out = plugwire(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert_eq!(stdout(&out), expected, "{args:?}");
    }
    // Intiface Engine's --server-version prints the bare number.
    let out = plugwire(&["serve", "--server-version"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), format!("{}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn no_command_shows_help_and_fails() {
    let out = plugwire(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("Usage: plugwire [OPTIONS] <COMMAND>"));
}

#[test]
fn bad_values_name_the_flag_and_the_value() {
    for (args, message) in [
        (
            &["serve", "--websocket-port", "99999"][..],
            "error: invalid value '99999' for '--websocket-port <PORT>': 99999 is not in 0..=65535",
        ),
        (
            &["serve", "--websocket-port", "abc"],
            "error: invalid value 'abc' for '--websocket-port <PORT>': invalid digit found in string",
        ),
        (
            &["serve", "--websocket-port", "-1"],
            "error: invalid value '-1' for '--websocket-port <PORT>': -1 is not in 0..=65535",
        ),
        (
            &["serve", "--device-websocket-server-port", "70000"],
            "error: invalid value '70000' for '--device-websocket-server-port <PORT>': 70000 is not in 0..=65535",
        ),
        (
            &["serve", "--max-ping-time", "-5"],
            "error: invalid value '-5' for '--max-ping-time <MS>': -5 is not in 0..=4294967295",
        ),
        (
            &["serve", "--log", "loud"],
            "error: invalid value 'loud' for '--log <LEVEL>'\n  [possible values: off, error, warn, info, debug, trace]",
        ),
        (
            &["demo", "--log", "verbose"],
            "error: invalid value 'verbose' for '--log <LEVEL>'",
        ),
        (
            &["serve", "--websocket-port"],
            "error: a value is required for '--websocket-port <PORT>' but none was supplied",
        ),
    ] {
        let out = plugwire(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains(message),
            "{args:?}: expected {message:?} in:\n{}",
            stderr(&out)
        );
        assert!(stdout(&out).is_empty());
    }
}

#[test]
fn log_levels_are_case_insensitive_like_intiface() {
    for level in ["INFO", "debug", "Warn"] {
        let out = plugwire(&["serve", "--log", level, "--server-version"]);
        assert_eq!(out.status.code(), Some(0), "{level}: {}", stderr(&out));
    }
    let out = Command::new(env!("CARGO_BIN_EXE_plugwire"))
        .args(["serve", "--server-version"])
        .env("PLUGWIRE_LOG", "a=b=c")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("plugwire: PLUGWIRE_LOG=\"a=b=c\" is not a log filter: "),
        "{}",
        stderr(&out)
    );
}

#[test]
fn typos_suggest_the_right_flag() {
    for (args, typo, right) in [
        (
            &["serve", "--use-bluetooth"][..],
            "--use-bluetooth",
            "--use-bluetooth-le",
        ),
        (
            &["serve", "--websocket-prot", "1"],
            "--websocket-prot",
            "--websocket-port",
        ),
        (&["demo", "--devices", "LVS-Nora"], "--devices", "--device"),
    ] {
        let out = plugwire(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert!(
            err.contains(&format!("error: unexpected argument '{typo}' found")),
            "{err}"
        );
        assert!(
            err.contains(&format!("tip: a similar argument exists: '{right}'")),
            "{err}"
        );
    }
    let out = plugwire(&["srve"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("tip: a similar subcommand exists: 'serve'"));
}

/// Starts `plugwire serve`, waits for the readiness line, stops it with SIGTERM and returns
/// (stdout, stderr).
fn serve_until_ready(args: &[&str]) -> (String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_plugwire"))
        .arg("serve")
        .args(args)
        .env_remove("PLUGWIRE_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut lines = String::new();
    loop {
        let mut line = String::new();
        assert!(out.read_line(&mut line).unwrap() > 0, "exited: {lines}");
        lines.push_str(&line);
        if line.contains("listening on") {
            break;
        }
    }
    assert!(
        Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
    out.read_to_string(&mut lines).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{output:?}");
    (lines, String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn every_intiface_engine_flag_is_accepted() {
    let dir = std::env::temp_dir().join(format!("plugwire-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let device_config = dir.join("device.json");
    std::fs::write(
        &device_config,
        r#"{"version":{"major":5,"minor":0},"protocols":{}}"#,
    )
    .unwrap();
    let user_config = dir.join("user.json");
    std::fs::write(
        &user_config,
        r#"{"version":{"major":5,"minor":0},"user_configs":{"devices":[]}}"#,
    )
    .unwrap();
    let (out, err) = serve_until_ready(&[
        "--websocket-port",
        "0",
        "--server-name",
        "drop-in",
        "--max-ping-time",
        "0",
        "--log",
        "warn",
        "--device-config-file",
        device_config.to_str().unwrap(),
        "--user-device-config-file",
        user_config.to_str().unwrap(),
        "--use-device-websocket-server",
        "--device-websocket-server-port",
        "0",
        "--use-serial",
        "--use-hid",
        "--use-lovense-dongle-serial",
        "--use-lovense-dongle-hid",
        "--use-xinput",
        "--use-lovense-connect",
        "--use-sdl-gamepad",
        "--crash-main-thread",
        "--crash-task-thread",
        "--crash-reporting",
        "--frontend-websocket-port",
        "12346",
        "--allow-raw",
    ]);
    assert!(
        out.contains("plugwire serve: devices connect on ws://127.0.0.1:"),
        "{out}"
    );
    assert!(
        out.contains("plugwire serve: listening on ws://127.0.0.1:"),
        "{out}"
    );
    assert!(out.ends_with("plugwire serve: stopped\n"), "{out}");
    for (flag, what) in [
        ("--use-hid", "HID devices"),
        ("--use-lovense-dongle-serial", "the Lovense dongle (serial)"),
        ("--use-lovense-dongle-hid", "the Lovense dongle (HID)"),
        ("--use-xinput", "XInput gamepads"),
        ("--use-lovense-connect", "the Lovense Connect app"),
        ("--use-sdl-gamepad", "SDL gamepads"),
        ("--crash-main-thread", "crashing on purpose"),
        ("--crash-task-thread", "crashing on purpose"),
        ("--crash-reporting", "crash reporting"),
        ("--frontend-websocket-port", "the Intiface GUI frontend"),
        ("--allow-raw", "raw device messages"),
    ] {
        let warning = format!(
            "plugwire serve: warning: {flag}: plugwire has no support for {what}; continuing without it\n"
        );
        assert!(err.contains(&warning), "missing {warning:?} in:\n{err}");
    }
    assert_eq!(err.lines().count(), 11, "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn all_interfaces_binds_every_address() {
    let (out, _) = serve_until_ready(&["--websocket-port", "0", "--websocket-use-all-interfaces"]);
    assert!(out.contains("listening on ws://0.0.0.0:"), "{out}");
}

#[test]
fn a_port_in_use_is_named() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = plugwire(&["serve", "--websocket-port", &port]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "plugwire serve: --websocket-port {port}: cannot listen on 127.0.0.1:{port}: Address already in use (os error 98)\n"
        )
    );
    let out = plugwire(&[
        "serve",
        "--websocket-port",
        "0",
        "--use-device-websocket-server",
        "--device-websocket-server-port",
        &port,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "plugwire serve: --device-websocket-server-port {port}: cannot listen on 127.0.0.1:{port}: Address already in use (os error 98)\n"
        )
    );
}

#[test]
fn mistakes_are_found_before_start_up() {
    for (args, message, code) in [
        (
            &[
                "serve",
                "--websocket-port",
                "0",
                "--simulate",
                "No Such Toy@AA:BB",
            ][..],
            "plugwire serve: --simulate No Such Toy: no protocol knows a toy of that name\n",
            1,
        ),
        (
            &["demo", "--device", "LVS-Nora", "--device", "Nope"],
            "plugwire demo: --device Nope: no protocol knows a toy of that name\n",
            2,
        ),
        (
            &[
                "serve",
                "--websocket-port",
                "0",
                "--simulate",
                "LVS-Nora",
                "--simulated-log",
                "/no/such/folder/log.json",
            ],
            "plugwire serve: --simulated-log /no/such/folder/log.json: the folder /no/such/folder does not exist\n",
            1,
        ),
        (
            &["serve", "--device-config-file", "/no/such/file.json"],
            "plugwire serve: device configuration file /no/such/file.json: cannot be read: No such file or directory (os error 2)\n",
            1,
        ),
    ] {
        let out = plugwire(args);
        assert_eq!(out.status.code(), Some(code), "{args:?}");
        assert_eq!(stderr(&out), message, "{args:?}");
        assert!(
            stdout(&out).is_empty(),
            "{args:?} started: {}",
            stdout(&out)
        );
    }
}

#[test]
fn the_demo_lists_devices_in_index_order() {
    let out = plugwire(&["demo"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let headers: Vec<String> = stdout(&out)
        .lines()
        .filter(|l| l.starts_with('['))
        .map(|l| l.split(']').next().unwrap_or("").to_string())
        .collect();
    assert_eq!(headers, vec!["[0", "[1", "[2", "[3"], "{}", stdout(&out));
}

#[test]
fn the_group_demo_drives_every_member_through_the_group_and_stops_them() {
    // It scans simulated toys, which never finish a scan: it must stop scanning by itself
    // once the three toys and the group are offered.
    let out = plugwire(&["demo", "--group"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("[100] \"Sync all\""), "{text}");
    let stop = text
        .split("StopDeviceCmd to the group")
        .nth(1)
        .unwrap_or_else(|| panic!("no stop section: {text}"));
    assert!(stop.contains("Rotate:0:0;"), "{stop}");
    assert!(stop.contains("Vibrate:0;"), "{stop}");
}

#[test]
fn a_broken_output_map_is_named_with_its_path_before_start_up() {
    let dir = std::env::temp_dir().join(format!("plugwire-output-map-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let map = dir.join("map.json");
    std::fs::write(
        &map,
        r#"{"version": 1, "devices": [{"match": {"name": "x"}, "present": [{"output": "vibrate", "to": [{"output": "vibrate", "curve": "cubic"}]}]}]}"#,
    )
    .unwrap();
    let out = plugwire(&[
        "serve",
        "--websocket-port",
        "0",
        "--output-map",
        map.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let expected = format!(
        "output map {}: at devices[0].present[0].to[0].curve: invalid value: string \"cubic\", expected a curve",
        map.display()
    );
    assert!(stderr(&out).contains(&expected), "{}", stderr(&out));
    let missing = plugwire(&["serve", "--output-map", "/nonexistent/map.json"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains("--output-map /nonexistent/map.json: cannot be read"),
        "{}",
        stderr(&missing)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
