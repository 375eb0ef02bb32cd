//! Serial protocol families over a real PTY pair from socat, each found on the port a user
//! configuration names: a simulator on the other end checks the bytes it receives.

#[path = "support/pty.rs"]
mod pty;

use plugwire::{ButtplugClient, ButtplugServer, ClientDevice, OutputType, OutputValue};

use pty::{Pty, WAIT, next, serial_user_config, temp_dir};

async fn connect(user_config: &str) -> (ButtplugClient, ClientDevice) {
    let server = ButtplugServer::builder()
        .serial(true)
        .user_config_json(user_config)
        .unwrap()
        .build()
        .unwrap();
    let client = ButtplugClient::connect_in_process("serial families", &server)
        .await
        .unwrap();
    client.scan(WAIT, Some(1)).await.unwrap();
    let device = client.devices().pop().expect("the device is found");
    (client, device)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kizuna_rotation_digits_over_a_pty() {
    let dir = temp_dir("kizuna");
    let pty = Pty::start(&dir, "ttyKIZUNA");
    let got = pty.messages(b'\n');
    let (client, kizuna) = connect(&serial_user_config("kizuna", &pty.dev, 19200, "")).await;
    assert_eq!(kizuna.name(), "Kizuna Smart");
    kizuna
        .output(0, OutputType::Rotate, OutputValue::Float(0.5))
        .await
        .unwrap();
    assert_eq!(next(&got), b"5\r\n");
    kizuna
        .output(0, OutputType::Rotate, OutputValue::Steps(9))
        .await
        .unwrap();
    assert_eq!(next(&got), b"9\r\n");
    kizuna.stop().await.unwrap();
    assert_eq!(next(&got), b"0\r\n");
    kizuna.rotate(0.2).await.unwrap();
    assert_eq!(next(&got), b"2\r\n");
    // Leaving stops the machine.
    client.disconnect().await.unwrap();
    assert_eq!(next(&got), b"0\r\n");
    drop(pty);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn next_level_racing_motors_over_a_pty() {
    let dir = temp_dir("nextlevelracing");
    let pty = Pty::start(&dir, "ttyHF8");
    let got = pty.messages(b'\r');
    let (client, pad) = connect(&serial_user_config("nextlevelracing", &pty.dev, 115200, "")).await;
    assert_eq!(pad.name(), "Next Level Racing HF8 Haptic Gaming Pad");
    assert_eq!(pad.features().len(), 8);
    pad.output(3, OutputType::Vibrate, OutputValue::Float(0.5))
        .await
        .unwrap();
    assert_eq!(next(&got), b"M3128\r");
    pad.output(7, OutputType::Vibrate, OutputValue::Steps(255))
        .await
        .unwrap();
    assert_eq!(next(&got), b"M7255\r");
    // The stop zeroes every motor not known to be at zero, in index order.
    pad.stop().await.unwrap();
    for i in 0..8 {
        assert_eq!(next(&got), format!("M{i}0\r").into_bytes());
    }
    pad.output(0, OutputType::Vibrate, OutputValue::Steps(7))
        .await
        .unwrap();
    assert_eq!(next(&got), b"M07\r");
    client.disconnect().await.unwrap();
    assert_eq!(next(&got), b"M00\r");
    drop(pty);
    let _ = std::fs::remove_dir_all(&dir);
}
