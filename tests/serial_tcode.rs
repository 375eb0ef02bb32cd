//! The serial manager over a real PTY pair from socat: a T-Code stroker simulator on the
//! other end checks the commands it receives; unplugging and replugging the port removes
//! and re-adds the device with the same index.

#[path = "support/pty.rs"]
mod pty;

use std::path::Path;

use plugwire::{ButtplugClient, ButtplugServer, ClientEvent, OutputType, OutputValue};

use pty::{Pty, WAIT, next, serial_user_config, temp_dir};

fn user_config(port: &Path) -> String {
    let port_name = port.display();
    serial_user_config(
        "tcode-v03",
        port,
        115200,
        &format!(
            r#", "configurations": [{{"identifier": ["{port_name}"], "name": "OSR2 with vibrator", "features": [
            {{"index": 0, "output": {{"hw_position_with_duration": {{"value": [0, 999], "duration": [0, 100000]}}, "position": {{"value": [0, 999]}}}}}},
            {{"index": 1, "output": {{"vibrate": {{"value": [0, 99]}}}}}}]}}]"#
        ),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tcode_stroker_end_to_end_with_unplug_and_replug() {
    let dir = temp_dir("serial");
    let mut pty = Pty::start(&dir, "ttyOSR");
    let lines = pty.lines();
    let server = ButtplugServer::builder()
        .serial(true)
        .user_config_json(&user_config(&pty.dev))
        .unwrap()
        .build()
        .unwrap();
    let client = ButtplugClient::connect_in_process("serial test", &server)
        .await
        .unwrap();
    let mut events = client.events();
    client.scan(WAIT, Some(1)).await.unwrap();
    let osr = client.devices().pop().expect("the stroker is found");
    assert_eq!(osr.name(), "OSR2 with vibrator");

    osr.position_with_duration(0.5, 500).await.unwrap();
    assert_eq!(next(&lines), "L0499I500");
    osr.output(1, OutputType::Vibrate, OutputValue::Float(0.5))
        .await
        .unwrap();
    assert_eq!(next(&lines), "V150");
    osr.output(0, OutputType::Position, OutputValue::Steps(250))
        .await
        .unwrap();
    assert_eq!(next(&lines), "L0250");
    assert_eq!(next(&lines), "R0250");
    osr.stop().await.unwrap();
    assert_eq!(next(&lines), "V100");

    // Unplug: the device is removed and its commands fail cleanly.
    let index = osr.index();
    pty.unplug();
    loop {
        match tokio::time::timeout(WAIT, events.recv())
            .await
            .expect("removal in time")
            .unwrap()
        {
            ClientEvent::DeviceRemoved { index: i, .. } => {
                assert_eq!(i, index);
                break;
            }
            _ => continue,
        }
    }
    assert!(osr.vibrate(0.2).await.is_err());

    // Replug: the same port comes back and so does the device, with its index.
    let pty2 = Pty::start(&dir, "ttyOSR");
    let lines2 = pty2.lines();
    let back = loop {
        match tokio::time::timeout(WAIT, events.recv())
            .await
            .expect("re-added in time")
            .unwrap()
        {
            ClientEvent::DeviceAdded(d) => break d,
            _ => continue,
        }
    };
    assert_eq!(back.index(), index);
    // What it runs after its time away is unknown: it is stopped first.
    assert_eq!(next(&lines2), "V100");
    back.output(1, OutputType::Vibrate, OutputValue::Steps(9))
        .await
        .unwrap();
    assert_eq!(next(&lines2), "V109");
    client.disconnect().await.unwrap();
    assert_eq!(next(&lines2), "V100");
    drop(pty2);
    let _ = std::fs::remove_dir_all(&dir);
}
