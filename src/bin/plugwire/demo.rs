//! The demo: simulated toys on an embedded server, driven through every feature.

use std::process::ExitCode;
use std::time::Duration;

use plugwire::hardware::simulated::{RecordKind, SimulatedDeviceSpec, SimulatedHardware};
use plugwire::{ButtplugClient, ButtplugServer, InputType, OutputType, OutputValue};

use crate::cli::DemoOptions;
use crate::startup;

const DEFAULT_DEVICES: [&str; 4] = ["LVS-Lush", "LVS-Nora", "LVS-Edge", "LVS-Max"];

pub async fn run(options: DemoOptions) -> ExitCode {
    if options.group {
        return match crate::demo_group::drive().await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("plugwire demo failed: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let mut names = options.devices;
    if names.is_empty() {
        names = DEFAULT_DEVICES.iter().map(|s| s.to_string()).collect();
    }
    // A name no protocol knows would simply never appear: say so before starting.
    let checked = startup::load_configs(None, None)
        .and_then(|configs| startup::check_toy_names("--device", &names, &configs));
    if let Err(e) = checked {
        eprintln!("plugwire demo: {e}");
        return ExitCode::from(2);
    }
    match drive(&names).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("plugwire demo failed: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn drive(names: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let hardware = SimulatedHardware::new();
    for name in names {
        hardware.add_device(SimulatedDeviceSpec {
            name: name.clone(),
            ..Default::default()
        });
    }
    let server = ButtplugServer::builder()
        .name("plugwire demo")
        .simulated(hardware.clone())
        .build()?;
    let client = ButtplugClient::connect_in_process("plugwire demo", &server).await?;
    println!(
        "connected to {:?}; scanning for {} simulated device(s)",
        client.server_name(),
        names.len()
    );
    // Simulated toys never finish a scan (as in the reference's passive managers): the
    // scan is over once every toy has connected.
    let mut devices = client
        .scan(Duration::from_secs(10), Some(names.len()))
        .await?;
    devices.sort_by_key(|d| d.index());
    if devices.len() != names.len() {
        return Err(format!("expected {} devices, found {}", names.len(), devices.len()).into());
    }
    for device in &devices {
        println!("\n[{}] {}", device.index(), device.name());
        for feature in device.features() {
            for output in feature.outputs.keys() {
                let steps = feature.outputs[output].step_count();
                for v in [0.5, 1.0] {
                    let value = match output {
                        OutputType::HwPositionWithDuration => {
                            client
                                .device(device.index())
                                .ok_or("device vanished")?
                                .position_with_duration(v, 300)
                                .await?;
                            continue;
                        }
                        OutputType::Rotate if feature.outputs[output].value.0 < 0 => -v,
                        _ => v,
                    };
                    device
                        .output(feature.index, *output, OutputValue::Float(value))
                        .await?;
                    println!(
                        "  feature {} {output} {value:+.1} of {steps} steps: sent",
                        feature.index
                    );
                }
            }
            if feature.inputs.contains_key(&InputType::Battery) {
                println!("  battery: {:.0}%", device.battery().await? * 100.0);
            }
        }
        device.stop().await?;
    }
    client.disconnect().await?;
    println!("\nWhat each device received:");
    for sim in hardware.devices() {
        println!("{} ({}):", sim.name(), sim.address());
        for record in sim.log() {
            let text = as_text(&record.data);
            match record.kind {
                RecordKind::Write => println!(
                    "  {:>6.1} ms  write {:<4} {:<18} {:02x?}",
                    record.at.as_secs_f64() * 1000.0,
                    record.endpoint.to_string(),
                    text,
                    record.data
                ),
                kind => println!(
                    "  {:>6.1} ms  {kind:?} {}",
                    record.at.as_secs_f64() * 1000.0,
                    record.endpoint
                ),
            }
        }
    }
    Ok(())
}

/// A write as text when every byte is printable (text protocols such as Lovense and
/// T-Code read better that way), otherwise empty: the bytes are shown beside it.
pub(crate) fn as_text(data: &[u8]) -> String {
    if data.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
        String::from_utf8_lossy(data).into_owned()
    } else {
        String::new()
    }
}
