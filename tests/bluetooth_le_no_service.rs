//! The Bluetooth LE manager on a machine without a Bluetooth service (no D-Bus system bus):
//! scanning says so and the session goes on. Its own test binary, as libdbus reads the
//! system bus address once per process.

use plugwire::{ButtplugClient, ButtplugServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_bluetooth_service_scanning_says_so() {
    let nowhere = std::env::temp_dir().join(format!("plugwire-no-bus-{}", std::process::id()));
    // SAFETY: the only test of this binary, set before anything uses D-Bus.
    unsafe {
        std::env::set_var(
            "DBUS_SYSTEM_BUS_ADDRESS",
            format!("unix:path={}", nowhere.display()),
        )
    };
    let server = ButtplugServer::builder()
        .bluetooth_le(true)
        .build()
        .unwrap();
    let client = ButtplugClient::connect_in_process("ble test", &server)
        .await
        .unwrap();
    let err = client.start_scanning().await.unwrap_err().to_string();
    assert!(err.contains("cannot reach the Bluetooth service"), "{err}");
    // Nothing else broke: the session answers and can scan again (with the same answer).
    client.stop_all().await.unwrap();
    let again = client.start_scanning().await.unwrap_err().to_string();
    assert_eq!(again, err);
    client.disconnect().await.unwrap();
}
