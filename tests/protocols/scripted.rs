//! Scriptable simulated toys: a chosen identity for the built-in responders (pairing
//! token, firmware), and scripts that speak for a toy on their own.

use plugwire::hardware::Endpoint::{Rx, Tx, Whitelist};
use plugwire::hardware::simulated::{ScriptAction, ScriptRule, ScriptTrigger, SimulatedDeviceSpec};

use crate::harness::*;

/// A Lelo F1s hands out the pairing token its spec gives, and the server writes that token
/// back to pair.
#[tokio::test]
async fn a_lelo_pairs_with_a_chosen_token() {
    let token = vec![0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08];
    let t = toy_with(SimulatedDeviceSpec {
        name: "F1SV2A".into(),
        key: Some(token.clone()),
        ..Default::default()
    })
    .await;
    assert_eq!(t.name(), "Lelo F1s V2");
    let ops = t.take();
    assert!(ops.contains(&wr(Whitelist, &token)), "{ops:?}");
}

/// A Flexer reporting firmware 2 takes the configuration for old firmware, which the
/// built-in responder (always firmware 11) never reached.
#[tokio::test]
async fn a_lovense_flexer_with_firmware_2() {
    let t = toy_with(SimulatedDeviceSpec {
        name: "LVS-Flexer".into(),
        model: Some("EI".into()),
        firmware: Some(2),
        ..Default::default()
    })
    .await;
    assert_eq!(t.name(), "Lovense Flexer (Firmware update needed)");
    let t = toy_with(SimulatedDeviceSpec {
        name: "LVS-Flexer".into(),
        model: Some("EI".into()),
        firmware: Some(3),
        ..Default::default()
    })
    .await;
    assert_eq!(t.name(), "Lovense Flexer");
}

fn answer(on_write: &str, notify: &str) -> ScriptRule {
    ScriptRule {
        when: ScriptTrigger::Write {
            endpoint: Tx,
            bytes: on_write.as_bytes().to_vec(),
            prefix: false,
        },
        then: vec![ScriptAction::Notify {
            endpoint: Rx,
            bytes: notify.as_bytes().to_vec(),
        }],
    }
}

/// With the built-in responder off, the script alone speaks for the toy: it identifies as
/// the model the script says and reports the battery the script gives.
#[tokio::test]
async fn a_script_alone_speaks_for_a_toy() {
    let t = toy_with(SimulatedDeviceSpec {
        name: "LVS-Unknown".into(),
        no_builtin_responder: true,
        script: vec![
            answer("DeviceType;", "P:240:0082059AD3BD;"),
            answer("Battery;", "42;"),
        ],
        ..Default::default()
    })
    .await;
    assert_eq!(t.name(), "Lovense Edge");
    assert_eq!(t.battery().await, 0.42);
}
