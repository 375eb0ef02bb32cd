//! `plugwire demo --group`: a spec v0 app that only knows `SingleMotorVibrateCmd` drives a
//! simulated stroker, a rotating toy and a vibrator at once through the "Sync all" group of
//! `docs/output-map.json`.

use std::time::Duration;

use plugwire::ButtplugServer;
use plugwire::hardware::simulated::{SimulatedDeviceSpec, SimulatedHardware};
use plugwire::server::OutputMap;
use serde_json::{Value, json};

/// The output map the demo uses; `plugwire serve --output-map docs/output-map.json` too.
const MAP: &str = include_str!("../../../docs/output-map.json");
const TOYS: [&str; 3] = ["simulated-stroker", "simulated-rotator", "LVS-Lush"];

async fn send(session: &mut plugwire::server::JsonSession, message: Value) -> Value {
    let replies = session.handle_text(&json!([message]).to_string()).await;
    replies.into_iter().next().unwrap_or(Value::Null)
}

pub async fn drive() -> Result<(), Box<dyn std::error::Error>> {
    let hardware = SimulatedHardware::new();
    for name in TOYS {
        hardware.add_device(SimulatedDeviceSpec {
            name: name.to_string(),
            ..Default::default()
        });
    }
    let server = ButtplugServer::builder()
        .name("plugwire group demo")
        .simulated(hardware.clone())
        .output_map(OutputMap::from_named_json("docs/output-map.json", MAP)?)
        .build()?;
    let mut session = server.connect_json()?;
    let mut events = session.take_events().ok_or("no events")?;
    send(
        &mut session,
        json!({"RequestServerInfo": {"Id": 1, "ClientName": "v0 app"}}),
    )
    .await;
    send(&mut session, json!({"StartScanning": {"Id": 2}})).await;
    // Each toy and the group are offered; simulated toys never finish a scan (as in the
    // reference), so the scan is stopped once all are seen.
    let mut added = 0;
    while added < TOYS.len() + 1 {
        match tokio::time::timeout(Duration::from_secs(10), events.recv()).await? {
            Some(plugwire::spec::ServerEvent::DeviceAdded(_)) => added += 1,
            Some(_) => {}
            None => return Err("the session closed while scanning".into()),
        }
    }
    send(&mut session, json!({"StopScanning": {"Id": 4}})).await;
    let list = send(&mut session, json!({"RequestDeviceList": {"Id": 3}})).await;
    println!("a spec v0 client sees:");
    for d in list["DeviceList"]["Devices"]
        .as_array()
        .into_iter()
        .flatten()
    {
        println!(
            "  [{}] {} {}",
            d["DeviceIndex"], d["DeviceName"], d["DeviceMessages"]
        );
    }
    let mut id = 5;
    for speed in [0.25, 1.0] {
        println!("\nSingleMotorVibrateCmd Speed {speed} to the group (index 100)");
        let from: Vec<usize> = hardware.devices().iter().map(|d| d.log().len()).collect();
        send(
            &mut session,
            json!({"SingleMotorVibrateCmd": {"Id": id, "DeviceIndex": 100, "Speed": speed}}),
        )
        .await;
        id += 1;
        tokio::time::sleep(Duration::from_millis(1200)).await;
        print_since(&hardware, &from);
    }
    println!("\nStopDeviceCmd to the group");
    let from: Vec<usize> = hardware.devices().iter().map(|d| d.log().len()).collect();
    send(
        &mut session,
        json!({"StopDeviceCmd": {"Id": id, "DeviceIndex": 100}}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    print_since(&hardware, &from);
    session.disconnect().await;
    Ok(())
}

fn print_since(hardware: &SimulatedHardware, from: &[usize]) {
    for (sim, start) in hardware.devices().iter().zip(from) {
        let writes: Vec<String> = sim
            .log()
            .into_iter()
            .skip(*start)
            .map(|r| {
                let text = String::from_utf8_lossy(&r.data).into_owned();
                format!("{:.0} ms {}", r.at.as_secs_f64() * 1000.0, text.trim_end())
            })
            .collect();
        println!("  {}: {writes:?}", sim.name());
    }
}
