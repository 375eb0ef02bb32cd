//! `plugwire play`: a funscript (with a sibling axis file) on simulated toys, printing
//! what each receives, or on the toys of a server it connects to; and clear errors for
//! unusable scripts, unknown toys and servers that are not there.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

fn plugwire(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plugwire"))
        .args(args)
        .output()
        .expect("plugwire runs")
}

/// The standard output of a run that succeeded (else both outputs in the failure).
fn succeeded(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("plugwire-play-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A stroke and, beside it, a vibration axis at 50 %.
fn clip(d: &std::path::Path) -> PathBuf {
    let main = d.join("clip.funscript");
    std::fs::write(
        &main,
        r#"{"actions": [{"at": 0, "pos": 0}, {"at": 200, "pos": 100}, {"at": 400, "pos": 0}]}"#,
    )
    .unwrap();
    // A vibration axis beside it: the Lush plays V0 instead of the stroke's speed.
    std::fs::write(
        d.join("clip.vib.funscript"),
        r#"{"actions": [{"at": 0, "pos": 50}, {"at": 400, "pos": 50}]}"#,
    )
    .unwrap();
    main
}

#[test]
fn plays_a_script_on_simulated_toys_and_prints_their_writes() {
    let d = dir("ok");
    let main = clip(&d);
    let out = plugwire(&["play", main.to_str().unwrap(), "--gap", "20"]);
    std::fs::remove_dir_all(&d).ok();
    let stdout = succeeded(&out);
    assert!(stdout.contains("2 axes"), "{stdout}");
    assert!(
        stdout.contains("Fleshlight Launch feature 0 HwPositionWithDuration"),
        "{stdout}"
    );
    assert!(stdout.contains("feature 0 Vibrate"), "{stdout}");
    // V0 at 50 % on a 20-step vibrator, then the stop at the end.
    assert!(stdout.contains("Vibrate:10;"), "{stdout}");
    assert!(stdout.contains("Vibrate:0;"), "{stdout}");
    // The Launch gets the next action (position 99 = 0x63) with its duration.
    assert!(stdout.contains("[63, "), "{stdout}");
    assert!(stdout.contains("ended"), "{stdout}");
}

#[test]
fn unusable_scripts_and_unknown_toys_are_named() {
    let d = dir("bad");
    let bad = d.join("bad.funscript");
    std::fs::write(&bad, r#"{"actions": [{"at": 0, "pos": "x"}]}"#).unwrap();
    let out = plugwire(&["play", bad.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("actions[0].pos"), "{stderr}");
    let good = d.join("good.funscript");
    std::fs::write(&good, r#"{"actions": [{"at": 0, "pos": 1}]}"#).unwrap();
    let out = plugwire(&["play", good.to_str().unwrap(), "--device", "No Such Toy"]);
    std::fs::remove_dir_all(&d).ok();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("No Such Toy"), "{stderr}");
    let out = plugwire(&["play", "/nonexistent/x.funscript"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/x.funscript"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plays_on_the_toys_of_a_server_it_connects_to() {
    let rig = common::rig_with(&["LVS-Lush"], |b| b.default_message_gap_ms(20));
    let ws = plugwire::transport::WebsocketServer::start(
        rig.server.clone(),
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let url = format!("ws://{}", ws.local_addr());
    let d = dir("remote");
    let main = clip(&d);
    let file = main.to_str().unwrap().to_string();
    let out = tokio::task::spawn_blocking(move || plugwire(&["play", &file, "--connect", &url]))
        .await
        .unwrap();
    std::fs::remove_dir_all(&d).ok();
    let stdout = succeeded(&out);
    assert!(stdout.contains("feature 0 Vibrate"), "{stdout}");
    assert!(stdout.contains("ended"), "{stdout}");
    // The server's toy got V0 at 50 % on its 20 steps, and the stop last.
    let got = common::commands(&rig.device("LVS-Lush"));
    assert!(got.iter().any(|c| c == "Vibrate:10;"), "{got:?}");
    assert_eq!(
        got.last().map(String::as_str),
        Some("Vibrate:0;"),
        "{got:?}"
    );
}

#[test]
fn a_server_that_is_not_there_is_named_and_connect_excludes_local_toys() {
    let d = dir("noserver");
    let main = clip(&d);
    let file = main.to_str().unwrap();
    let out = plugwire(&["play", file, "--connect", "ws://127.0.0.1:1"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("ws://127.0.0.1:1"), "{stderr}");
    let out = plugwire(&[
        "play",
        file,
        "--connect",
        "ws://127.0.0.1:1",
        "--device",
        "LVS-Lush",
    ]);
    std::fs::remove_dir_all(&d).ok();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--connect") && stderr.contains("--device"),
        "{stderr}"
    );
}
