//! Configuration errors say what is wrong: every rejected structure and number gives an
//! error naming the configuration, the JSON path of the value at fault and what was
//! expected, in words. The same text reaches `plugwire serve` (naming the file) and the C
//! ABI's ConnectEmbedded. Numbers a field cannot hold are refused, never truncated.

use std::process::Command;

use plugwire::device::config::{DeviceConfigDb, UserConfig};

/// (what, JSON, the whole error).
const DEVICE_CASES: &[(&str, &str, &str)] = &[
    (
        "empty_object",
        r#"{}"#,
        r#"device configuration: at the top level: missing field `version` (line 1, column 2)"#,
    ),
    (
        "array",
        r#"[1,2,3]"#,
        r#"device configuration: at the top level: expected a device configuration: an object with `version` and `protocols`, found an array"#,
    ),
    (
        "not_json",
        r#"{"version":"#,
        r#"device configuration: not valid JSON at line 1, column 11: EOF while parsing a value"#,
    ),
    (
        "no_protocols",
        r#"{"version":{"major":4,"minor":0}}"#,
        r#"device configuration: at the top level: missing field `protocols` (line 1, column 33)"#,
    ),
    (
        "protocols_not_object",
        r#"{"version":{"major":4,"minor":0},"protocols":[]}"#,
        r#"device configuration: at protocols: invalid type: array, expected an object (line 1, column 45)"#,
    ),
    (
        "major_9",
        r#"{"version":{"major":9,"minor":0},"protocols":{}}"#,
        r#"device configuration: at version.major: major version 9 is not supported (4 and 5 are)"#,
    ),
    (
        "range_min_i32",
        r#"{"version":{"major":4,"minor":0},"protocols":{"p":{"defaults":{"features":[{"index":0,"output":{"vibrate":{"value":[-2147483648,20]}}}]}}}}"#,
        r#"device configuration: at protocols.p.defaults.features[0].output.vibrate.value[0]: invalid value: integer `-2147483648`, expected a whole number of steps from -2147483647 to 2147483647 (line 1, column 127)"#,
    ),
    (
        "range_too_wide",
        r#"{"version":{"major":4,"minor":0},"protocols":{"p":{"defaults":{"features":[{"index":0,"output":{"vibrate":{"value":[-2147483647,2147483647]}}}]}}}}"#,
        r#"device configuration: at protocols.p.defaults.features[0].output.vibrate.value: the range [-2147483647, 2147483647] is wider than 2147483647 steps (line 1, column 140)"#,
    ),
    (
        "range_reversed",
        r#"{"version":{"major":4,"minor":0},"protocols":{"p":{"defaults":{"features":[{"index":0,"output":{"vibrate":{"value":[20,0]}}}]}}}}"#,
        r#"device configuration: at protocols.p.defaults.features[0].output.vibrate.value: the range [20, 0] has its minimum above its maximum (line 1, column 122)"#,
    ),
    (
        "range_one_number",
        r#"{"version":{"major":4,"minor":0},"protocols":{"p":{"defaults":{"features":[{"index":0,"output":{"vibrate":{"value":[20]}}}]}}}}"#,
        r#"device configuration: at protocols.p.defaults.features[0].output.vibrate.value: invalid length 1, expected a range [min, max] of two whole numbers (line 1, column 119)"#,
    ),
    (
        "range_three_numbers",
        r#"{"version":{"major":4,"minor":0},"protocols":{"p":{"defaults":{"features":[{"index":0,"output":{"vibrate":{"value":[0,1,2]}}}]}}}}"#,
        r#"device configuration: at protocols.p.defaults.features[0].output.vibrate.value: invalid length 3, expected a range [min, max] of two whole numbers (line 1, column 122)"#,
    ),
    (
        "range_beyond_i32",
        r#"{"version":{"major":4,"minor":0},"protocols":{"p":{"defaults":{"features":[{"index":0,"output":{"vibrate":{"value":[0,4294967296]}}}]}}}}"#,
        r#"device configuration: at protocols.p.defaults.features[0].output.vibrate.value[1]: invalid value: integer `4294967296`, expected a whole number of steps from -2147483647 to 2147483647 (line 1, column 128)"#,
    ),
    (
        "range_fraction",
        r#"{"version":{"major":4,"minor":0},"protocols":{"p":{"defaults":{"features":[{"index":0,"output":{"vibrate":{"value":[0,2.5]}}}]}}}}"#,
        r#"device configuration: at protocols.p.defaults.features[0].output.vibrate.value[1]: invalid type: floating point `2.5`, expected a whole number of steps from -2147483647 to 2147483647 (line 1, column 121)"#,
    ),
    (
        "range_not_array",
        r#"{"version":{"major":4,"minor":0},"protocols":{"p":{"defaults":{"features":[{"index":0,"output":{"vibrate":{"value":"0-20"}}}]}}}}"#,
        r#"device configuration: at protocols.p.defaults.features[0].output.vibrate.value: invalid type: string "0-20", expected a range [min, max] of two whole numbers (line 1, column 121)"#,
    ),
    (
        "output_without_value",
        r#"{"version":{"major":4,"minor":0},"protocols":{"p":{"defaults":{"features":[{"index":0,"output":{"vibrate":{}}}]}}}}"#,
        r#"device configuration: at protocols.p.defaults.features[0].output.vibrate: missing field `value` (line 1, column 108)"#,
    ),
    (
        "outputs_not_object",
        r#"{"version":{"major":4,"minor":0},"protocols":{"p":{"defaults":{"features":[{"index":0,"output":[]}]}}}}"#,
        r#"device configuration: at protocols.p.defaults.features[0].output: invalid type: array, expected outputs: an object such as {"vibrate": {"value": [0, 20]}} (line 1, column 95)"#,
    ),
    (
        "duration_negative",
        r#"{"version":{"major":4,"minor":0},"protocols":{"p":{"defaults":{"features":[{"index":0,"output":{"hw_position_with_duration":{"value":[0,99],"duration":[-1,10]}}}]}}}}"#,
        r#"device configuration: at protocols.p.defaults.features[0].output.hw_position_with_duration.duration[0]: invalid value: integer `-1`, expected a whole number of milliseconds from 0 to 4294967295 (line 1, column 154)"#,
    ),
    (
        "input_range_beyond_i32",
        r#"{"version":{"major":4,"minor":0},"protocols":{"p":{"defaults":{"features":[{"index":0,"input":{"battery":{"value":[[0,4294967296]],"command":["Read"]}}}]}}}}"#,
        r#"device configuration: at protocols.p.defaults.features[0].input.battery.value[0][1]: invalid value: integer `4294967296`, expected a whole number of steps from -2147483647 to 2147483647 (line 1, column 128)"#,
    ),
    (
        "gap_beyond_u32",
        r#"{"version":{"major":4,"minor":0},"protocols":{"p":{"defaults":{"message_gap_ms":4294967296}}}}"#,
        r#"device configuration: at protocols.p.defaults.message_gap_ms: invalid value: integer `4294967296`, expected a whole number of milliseconds from 0 to 4294967295 (line 1, column 90)"#,
    ),
    (
        "gap_negative",
        r#"{"version":{"major":4,"minor":0},"protocols":{"p":{"configurations":[{"message_gap_ms":-1}]}}}"#,
        r#"device configuration: at protocols.p.configurations[0].message_gap_ms: invalid value: integer `-1`, expected a whole number of milliseconds from 0 to 4294967295 (line 1, column 89)"#,
    ),
    (
        "feature_index_beyond_u32",
        r#"{"version":{"major":4,"minor":0},"protocols":{"p":{"defaults":{"features":[{"index":4294967296}]}}}}"#,
        r#"device configuration: at protocols.p.defaults.features[0].index: invalid value: integer `4294967296`, expected a feature index from 0 to 4294967295 (line 1, column 94)"#,
    ),
    (
        "baud_beyond_u32",
        r#"{"version":{"major":4,"minor":0},"protocols":{"p":{"communication":[{"serial":{"port":"COM1","baud_rate":4294967296}}]}}}"#,
        r#"device configuration: at protocols.p.communication[0].serial.baud_rate: invalid value: integer `4294967296`, expected a baud rate from 1 to 4294967295 (line 1, column 115)"#,
    ),
    (
        "baud_zero",
        r#"{"version":{"major":4,"minor":0},"protocols":{"p":{"communication":[{"serial":{"port":"COM1","baud_rate":0}}]}}}"#,
        r#"device configuration: at protocols.p.communication[0].serial.baud_rate: invalid value: integer `0`, expected a baud rate from 1 to 4294967295 (line 1, column 106)"#,
    ),
    (
        "data_bits_256",
        r#"{"version":{"major":4,"minor":0},"protocols":{"p":{"communication":[{"serial":{"port":"COM1","data_bits":256}}]}}}"#,
        r#"device configuration: at protocols.p.communication[0].serial.data_bits: invalid value: integer `256`, expected a number of data bits from 5 to 8 (line 1, column 108)"#,
    ),
    (
        "data_bits_9",
        r#"{"version":{"major":4,"minor":0},"protocols":{"p":{"communication":[{"serial":{"port":"COM1","data_bits":9}}]}}}"#,
        r#"device configuration: at protocols.p.communication[0].serial.data_bits: invalid value: integer `9`, expected a number of data bits from 5 to 8 (line 1, column 106)"#,
    ),
    (
        "stop_bits_3",
        r#"{"version":{"major":4,"minor":0},"protocols":{"p":{"communication":[{"serial":{"port":"COM1","stop_bits":3}}]}}}"#,
        r#"device configuration: at protocols.p.communication[0].serial.stop_bits: invalid value: integer `3`, expected a number of stop bits from 1 to 2 (line 1, column 106)"#,
    ),
    (
        "parity_x",
        r#"{"version":{"major":4,"minor":0},"protocols":{"p":{"communication":[{"serial":{"port":"COM1","parity":"X"}}]}}}"#,
        r#"device configuration: at protocols.p.communication[0].serial.parity: invalid value: string "X", expected a parity: "N" (none), "E" (even) or "O" (odd) (line 1, column 105)"#,
    ),
    (
        "manufacturer_byte_256",
        r#"{"version":{"major":4,"minor":0},"protocols":{"p":{"communication":[{"btle":{"names":[],"manufacturer_data":[{"company":620,"data":[255,256]}]}}]}}}"#,
        r#"device configuration: at protocols.p.communication[0].btle.manufacturer_data[0].data[1]: invalid value: integer `256`, expected a byte from 0 to 255 (line 1, column 139)"#,
    ),
    (
        "company_65536",
        r#"{"version":{"major":4,"minor":0},"protocols":{"p":{"communication":[{"btle":{"names":[],"manufacturer_data":[{"company":65536}]}}]}}}"#,
        r#"device configuration: at protocols.p.communication[0].btle.manufacturer_data[0].company: invalid value: integer `65536`, expected a company identifier from 0 to 65535 (line 1, column 125)"#,
    ),
    (
        "names_not_strings",
        r#"{"version":{"major":4,"minor":0},"protocols":{"p":{"communication":[{"btle":{"names":[1]}}]}}}"#,
        r#"device configuration: at protocols.p.communication[0].btle.names[0]: invalid type: integer `1`, expected a string (line 1, column 87)"#,
    ),
];

const USER_CASES: &[(&str, &str, &str)] = &[
    (
        "array",
        r#"[1,2,3]"#,
        r#"user device configuration: at the top level: expected a user device configuration: an object with `version` and `user_configs`, found an array"#,
    ),
    (
        "empty_object",
        r#"{}"#,
        r#"user device configuration: at the top level: missing field `version` (line 1, column 2)"#,
    ),
    (
        "string",
        r#""hello""#,
        r#"user device configuration: at the top level: expected a user device configuration: an object with `version` and `user_configs`, found a string"#,
    ),
    (
        "devices_not_array",
        r#"{"version":{"major":4,"minor":0},"user_configs":{"devices":{}}}"#,
        r#"user device configuration: at user_configs.devices: invalid type: object, expected a array (line 1, column 59)"#,
    ),
    (
        "device_without_identifier",
        r#"{"version":{"major":4,"minor":0},"user_configs":{"devices":[{"config":{}}]}}"#,
        r#"user device configuration: at user_configs.devices[0]: missing field `identifier` (line 1, column 73)"#,
    ),
    (
        "identifier_without_address",
        r#"{"version":{"major":4,"minor":0},"user_configs":{"devices":[{"identifier":{"protocol":"lovense"}}]}}"#,
        r#"user device configuration: at user_configs.devices[0].identifier: missing field `address` (line 1, column 96)"#,
    ),
    (
        "index_beyond_u32",
        r#"{"version":{"major":4,"minor":0},"user_configs":{"devices":[{"identifier":{"address":"AA"},"config":{"user_config":{"index":4294967296}}}]}}"#,
        r#"user device configuration: at user_configs.devices[0].config.user_config.index: invalid value: integer `4294967296`, expected a device index from 0 to 4294967295 (line 1, column 134)"#,
    ),
    (
        "gap_beyond_u32",
        r#"{"version":{"major":4,"minor":0},"user_configs":{"devices":[{"identifier":{"address":"AA"},"config":{"user_config":{"message_gap_ms":4294967296}}}]}}"#,
        r#"user device configuration: at user_configs.devices[0].config.user_config.message_gap_ms: invalid value: integer `4294967296`, expected a whole number of milliseconds from 0 to 4294967295 (line 1, column 143)"#,
    ),
    (
        "allow_not_bool",
        r#"{"version":{"major":4,"minor":0},"user_configs":{"devices":[{"identifier":{"address":"AA"},"config":{"user_config":{"allow":"yes"}}}]}}"#,
        r#"user device configuration: at user_configs.devices[0].config.user_config.allow: invalid type: string "yes", expected a boolean (line 1, column 129)"#,
    ),
    (
        "range_beyond_i32",
        r#"{"version":{"major":4,"minor":0},"user_configs":{"devices":[{"identifier":{"address":"AA"},"config":{"features":[{"output":{"vibrate":{"value":[0,2147483648]}}}]}}]}}"#,
        r#"user device configuration: at user_configs.devices[0].config.features[0].output.vibrate.value[1]: invalid value: integer `2147483648`, expected a whole number of steps from 0 to 2147483647 (line 1, column 156)"#,
    ),
    (
        "range_negative",
        r#"{"version":{"major":4,"minor":0},"user_configs":{"devices":[{"identifier":{"address":"AA"},"config":{"features":[{"output":{"vibrate":{"value":[-1,5]}}}]}}]}}"#,
        r#"user device configuration: at user_configs.devices[0].config.features[0].output.vibrate.value[0]: invalid value: integer `-1`, expected a whole number of steps from 0 to 2147483647 (line 1, column 146)"#,
    ),
    (
        "range_empty",
        r#"{"version":{"major":4,"minor":0},"user_configs":{"devices":[{"identifier":{"address":"AA"},"config":{"features":[{"output":{"vibrate":{"value":[5,5]}}}]}}]}}"#,
        r#"user device configuration: at user_configs.devices[0].config.features[0].output.vibrate.value: the range [5, 5] must have its low end below its high end (line 1, column 149)"#,
    ),
    (
        "unknown_output",
        r#"{"version":{"major":4,"minor":0},"user_configs":{"devices":[{"identifier":{"address":"AA"},"config":{"features":[{"output":{"wiggle":{"disabled":true}}}]}}]}}"#,
        r#"user device configuration: at user_configs.devices[0].config.features[0].output.wiggle: unknown output type `wiggle`, expected one of vibrate, rotate, oscillate, constrict, spray, temperature, led, position, hw_position_with_duration"#,
    ),
    (
        "major_3",
        r#"{"version":{"major":3,"minor":0}}"#,
        r#"user device configuration: at version.major: major version 3 is not supported (4 and 5 are)"#,
    ),
    (
        "protocol_addition_bad_range",
        r#"{"version":{"major":4,"minor":0},"user_configs":{"protocols":{"lovense":{"configurations":[{"identifier":["Q"],"features":[{"index":0,"output":{"vibrate":{"value":[0,-2147483648]}}}]}]}}}}"#,
        r#"user device configuration: at user_configs.protocols.lovense.configurations[0].features[0].output.vibrate.value[1]: invalid value: integer `-2147483648`, expected a whole number of steps from -2147483647 to 2147483647 (line 1, column 177)"#,
    ),
];

#[test]
fn device_configs_are_refused_with_the_path_and_what_was_expected() {
    for (what, json, expected) in DEVICE_CASES {
        let error = DeviceConfigDb::from_json(json)
            .err()
            .unwrap_or_else(|| panic!("{what}: accepted {json}"));
        assert_eq!(error.to_string(), *expected, "{what}");
    }
}

#[test]
fn user_configs_are_refused_with_the_path_and_what_was_expected() {
    for (what, json, expected) in USER_CASES {
        let error = UserConfig::from_json(json)
            .err()
            .unwrap_or_else(|| panic!("{what}: accepted {json}"));
        assert_eq!(error.to_string(), *expected, "{what}");
    }
}

#[test]
fn the_largest_valid_numbers_are_accepted() {
    let device = r#"{"version":{"major":5,"minor":4294967295},"protocols":{"p":{
      "communication":[{"serial":{"port":"COM1","baud_rate":4294967295,"data_bits":5,"parity":"e","stop_bits":2}},
                       {"btle":{"names":["x"],"manufacturer_data":[{"company":65535,"data":[0,255]}],"services":{}}}],
      "defaults":{"message_gap_ms":4294967295,"features":[
        {"index":4294967295,"output":{"rotate":{"value":[-2147483647,0]},"vibrate":{"value":[0,2147483647]},
         "hw_position_with_duration":{"value":[0,1],"duration":[0,4294967295]}}}]}}}}"#;
    let db = DeviceConfigDb::from_json(device).unwrap();
    let def = db.protocol("p").unwrap().definition_for(None).unwrap();
    assert_eq!(def.message_gap_ms, Some(u32::MAX));
    assert_eq!(def.features[0].index, u32::MAX);
    let user = r#"{"version":{"major":4,"minor":0},"user_configs":{"devices":[
      {"identifier":{"address":"AA"},"config":{"features":[{"output":{"vibrate":{"value":[0,2147483647]}}}],
       "user_config":{"index":4294967295,"message_gap_ms":4294967295}}}]}}"#;
    let user = UserConfig::from_json(user).unwrap();
    assert_eq!(user.devices[0].index, Some(u32::MAX));
    assert_eq!(user.devices[0].message_gap_ms, Some(u32::MAX));
}

#[test]
fn plugwire_serve_names_the_file_and_refuses_to_start() {
    let dir = std::env::temp_dir().join(format!("plugwire-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (flag, (_, json, expected), prefix) in [
        (
            "--device-config-file",
            DEVICE_CASES[6],
            "device configuration: ",
        ),
        (
            "--user-device-config-file",
            USER_CASES[0],
            "user device configuration: ",
        ),
    ] {
        let file = dir.join("config.json");
        std::fs::write(&file, json).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_plugwire"))
            .args(["serve", "--websocket-port", "0", flag])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let rest = expected.strip_prefix(prefix).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!(
                "plugwire serve: {} file {}: {rest}\n",
                prefix.trim_end_matches(": "),
                file.display()
            )
        );
        assert!(out.stdout.is_empty(), "never started listening");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

mod through_the_c_abi {
    use std::os::raw::c_void;
    use std::ptr;
    use std::sync::mpsc;
    use std::time::Duration;

    use plugwire::ffi::*;
    use plugwire::proto as pb;
    use prost::Message as _;

    unsafe extern "C" fn to_channel(user_data: *mut c_void, data: *const u8, len: usize) {
        let tx = unsafe { Box::from_raw(user_data as *mut mpsc::Sender<Vec<u8>>) };
        let _ = tx.send(unsafe { std::slice::from_raw_parts(data, len) }.to_vec());
    }

    fn connect(device_config_json: &str, user_config_json: &str) -> pb::reply::Kind {
        let mut client = ptr::null_mut();
        assert_eq!(
            unsafe { plugwire_client_new(None, ptr::null_mut(), &mut client) },
            PlugwireStatus::Ok
        );
        let (tx, rx) = mpsc::channel::<Vec<u8>>();
        let request = pb::Request {
            kind: Some(pb::request::Kind::ConnectEmbedded(pb::ConnectEmbedded {
                device_config_json: device_config_json.into(),
                user_config_json: user_config_json.into(),
                ..Default::default()
            })),
        }
        .encode_to_vec();
        let status = unsafe {
            plugwire_client_request(
                client,
                request.as_ptr(),
                request.len(),
                Some(to_channel),
                Box::into_raw(Box::new(tx)) as *mut c_void,
            )
        };
        assert_eq!(status, PlugwireStatus::Ok);
        let reply = rx.recv_timeout(Duration::from_secs(10)).expect("reply");
        assert_eq!(unsafe { plugwire_client_free(client) }, PlugwireStatus::Ok);
        pb::Reply::decode(&reply[..]).unwrap().kind.unwrap()
    }

    #[test]
    fn connect_embedded_reports_the_same_text() {
        for (device, user, expected) in [
            (super::DEVICE_CASES[0].1, "", super::DEVICE_CASES[0].2),
            (super::DEVICE_CASES[18].1, "", super::DEVICE_CASES[18].2),
            ("", super::USER_CASES[0].1, super::USER_CASES[0].2),
            ("", super::USER_CASES[6].1, super::USER_CASES[6].2),
        ] {
            match connect(device, user) {
                pb::reply::Kind::Error(e) => {
                    assert_eq!(e.code, pb::ErrorCode::Configuration as i32);
                    assert_eq!(e.message, expected);
                }
                other => panic!("{expected}: {other:?}"),
            }
        }
    }
}
