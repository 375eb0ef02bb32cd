//! `plugwire play FILE.funscript`: plays a script (and its `name.<axis>.funscript`
//! siblings) on simulated toys, printing what each receives, on Bluetooth LE toys, or on
//! the toys of a Buttplug server it connects to.

use std::process::ExitCode;
use std::time::Duration;

use plugwire::hardware::simulated::{RecordKind, SimulatedDeviceSpec, SimulatedHardware};
use plugwire::playback::assign::tracks_for;
use plugwire::playback::{Funscript, Playback, PlaybackEvent, PlaybackOptions, PlaybackTarget};
use plugwire::{ButtplugClient, ButtplugServer};

use crate::cli::PlayOptions;
use crate::startup;

const DEFAULT_DEVICES: [&str; 2] = ["Launch", "LVS-Lush"];

pub async fn run(options: PlayOptions) -> ExitCode {
    let script = match Funscript::load(&options.file) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("plugwire play: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(url) = &options.connect {
        return match play_remote(&options, &script, url).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("plugwire play failed: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let mut names = options.devices.clone();
    if names.is_empty() && !options.use_bluetooth_le {
        names = DEFAULT_DEVICES.iter().map(|s| s.to_string()).collect();
    }
    let checked = startup::load_configs(None, None)
        .and_then(|configs| startup::check_toy_names("--device", &names, &configs));
    if let Err(e) = checked {
        eprintln!("plugwire play: {e}");
        return ExitCode::from(2);
    }
    match play(&options, &script, &names).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("plugwire play failed: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn play(
    options: &PlayOptions,
    script: &Funscript,
    names: &[String],
) -> Result<(), Box<dyn std::error::Error>> {
    let hardware = SimulatedHardware::new();
    for name in names {
        hardware.add_device(SimulatedDeviceSpec {
            name: name.clone(),
            ..Default::default()
        });
    }
    let mut builder = ButtplugServer::builder()
        .name("plugwire play")
        .bluetooth_le(options.use_bluetooth_le);
    if !names.is_empty() {
        builder = builder.simulated(hardware.clone());
    }
    if let Some(gap) = options.gap_ms {
        builder = builder.default_message_gap_ms(gap);
    }
    let server = builder.build()?;
    let devices = server.device_manager();
    let mut events = devices.subscribe();
    devices.start_scanning().await?;
    // Simulated toys never finish a scan (as in the reference): with them alone, the scan
    // is over once each has connected.
    let expected = (!options.use_bluetooth_le).then_some(names.len());
    let scan_for = Duration::from_secs(if options.use_bluetooth_le { 10 } else { 5 });
    let _ = tokio::time::timeout(scan_for, async {
        while expected.is_none_or(|n| devices.device_infos().len() < n) {
            match events.recv().await {
                Ok(plugwire::spec::ServerEvent::ScanningFinished) => break,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                _ => {}
            }
        }
    })
    .await;
    devices.stop_scanning().await?;
    let playback = start(options, script, devices)?;
    let mut printed = vec![0usize; hardware.devices().len()];
    follow(&playback, || print_writes(&hardware, &mut printed)).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    print_writes(&hardware, &mut printed);
    server.shutdown().await;
    Ok(())
}

/// Plays on the toys a Buttplug server at `url` has (scanning first when it lists none).
async fn play_remote(
    options: &PlayOptions,
    script: &Funscript,
    url: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let client = ButtplugClient::connect_websocket("plugwire play", url).await?;
    if client.devices().is_empty() {
        client.scan(Duration::from_secs(10), Some(1)).await?;
    }
    let playback = start(options, script, &client)?;
    follow(&playback, || {}).await;
    // The stops the playback sent at its end go out before the disconnect.
    client.disconnect().await?;
    Ok(())
}

/// Maps the script's axes onto the target's outputs, prints the mapping and starts.
fn start(
    options: &PlayOptions,
    script: &Funscript,
    target: &dyn PlaybackTarget,
) -> Result<Playback, Box<dyn std::error::Error>> {
    let infos = target.device_infos();
    if infos.is_empty() {
        return Err("no devices found".into());
    }
    let tracks = tracks_for(script, &infos, options.interpolation.into());
    if tracks.is_empty() {
        return Err("the script has no axis any connected output can play".into());
    }
    println!(
        "playing {} ({} axes, {:.1} s) on {} output(s):",
        options.file.display(),
        script.axes.len(),
        script.end_ms() / 1000.0,
        tracks.len()
    );
    for t in &tracks {
        let name = infos
            .iter()
            .find(|d| d.index == t.device)
            .map_or("?", |d| d.name.as_str());
        println!("  [{}] {name} feature {} {}", t.device, t.feature, t.output);
    }
    Ok(Playback::start(
        target,
        tracks,
        PlaybackOptions {
            start_ms: options.start_ms,
            rate: options.rate,
            offset_ms: options.offset_ms,
            ..PlaybackOptions::default()
        },
    )?)
}

/// Prints the playback's events until it ends, is stopped or Ctrl-C stops it, calling
/// `every_50ms` meanwhile.
async fn follow(playback: &Playback, mut every_50ms: impl FnMut()) {
    let Some(mut events) = playback.take_events() else {
        return;
    };
    let mut tick = tokio::time::interval(Duration::from_millis(50));
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Some(PlaybackEvent::Position { .. }) => {}
                Some(PlaybackEvent::Ended) => { println!("ended"); break; }
                Some(PlaybackEvent::Stopped { reason }) => { println!("stopped: {reason:?}"); break; }
                Some(e) => println!("{e:?}"),
                None => break,
            },
            _ = tick.tick() => every_50ms(),
            _ = tokio::signal::ctrl_c() => { playback.stop(); println!("interrupted"); break; }
        }
    }
}

/// Prints each simulated toy's records not printed yet.
fn print_writes(hardware: &SimulatedHardware, printed: &mut [usize]) {
    for (sim, done) in hardware.devices().iter().zip(printed.iter_mut()) {
        let log = sim.log();
        for record in log.iter().skip(*done) {
            if record.kind != RecordKind::Write {
                continue;
            }
            let text = crate::demo::as_text(&record.data);
            println!(
                "{:>9.1} ms  {:<10} {:<14} {:02x?}",
                record.at.as_secs_f64() * 1000.0,
                sim.name(),
                text,
                record.data
            );
        }
        *done = log.len();
    }
}
