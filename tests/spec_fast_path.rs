//! The fast path for spec v4 command frames (`plugwire::spec::typed`) against the general
//! decoder: over generated frames (mostly well-formed commands, many broken in one of the
//! ways clients break them: missing, extra, duplicate, `null` and wrong-typed fields, out of
//! range numbers, Id 0, unknown names, escapes, several arrays, trailing bytes, too many
//! messages), whatever the fast path takes decodes to exactly what the general decoder
//! makes of it, and a session answers every frame with the same reply text either way.

mod common;

use common::{Json, rig};
use plugwire::spec::frame::{self, Decoded, MAX_MESSAGES_PER_FRAME};
use plugwire::spec::{JsonCodec, SpecVersion, typed};

/// A small, seedable generator (xorshift64*), so a failing seed replays. A calm one
/// makes no faults (half the frames), so many frames are well-formed throughout.
struct Rng(u64, bool);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1, false);
        rng.1 = rng.one_in(2);
        rng
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True one time in `n`.
    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// A fault, one time in `n` (never in a calm frame).
    fn fault(&mut self, n: usize) -> bool {
        self.one_in(n) && !self.1
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Values where an unsigned integer goes: mostly good ones.
fn index(rng: &mut Rng) -> String {
    if rng.fault(4) {
        rng.pick(&[
            "0",
            "-1",
            "4294967295",
            "4294967296",
            "18446744073709551616",
            "1.0",
            "1e2",
            "-0",
            "\"1\"",
            "null",
            "true",
            "[]",
            "{}",
        ])
        .to_string()
    } else {
        rng.below(3).to_string()
    }
}

fn id(rng: &mut Rng) -> String {
    if rng.fault(6) {
        index(rng)
    } else {
        (1 + rng.below(2000)).to_string()
    }
}

/// Values where an output's `Value` (an i32) goes.
fn level(rng: &mut Rng) -> String {
    if rng.fault(5) {
        rng.pick(&[
            "-1",
            "2147483647",
            "2147483648",
            "-2147483648",
            "-2147483649",
            "0.5",
            "20.0",
            "null",
            "\"10\"",
            "false",
        ])
        .to_string()
    } else {
        rng.below(25).to_string()
    }
}

fn boolean(rng: &mut Rng) -> String {
    if rng.fault(3) {
        rng.pick(&["null", "1", "\"true\""]).to_string()
    } else {
        rng.pick(&["true", "false"]).to_string()
    }
}

/// A key as a client might write it: usually plain, sometimes with an escape.
fn key(rng: &mut Rng, name: &str) -> String {
    if rng.fault(40) {
        // The first letter as a \u escape: the same key to a JSON parser.
        let mut chars = name.chars();
        let first = chars.next().map(|c| c as u32).unwrap_or(0);
        format!("\"\\u{first:04x}{}\"", chars.as_str())
    } else {
        format!("\"{name}\"")
    }
}

/// An object from its fields, sometimes with one dropped, one duplicated, an unknown one
/// added, or the order shuffled.
fn object(rng: &mut Rng, mut fields: Vec<(String, String)>) -> String {
    if !fields.is_empty() && rng.fault(10) {
        let i = rng.below(fields.len());
        fields.remove(i);
    }
    if !fields.is_empty() && rng.fault(15) {
        let i = rng.below(fields.len());
        let (k, v) = fields[i].clone();
        let v = if rng.one_in(2) { v } else { "7".to_string() };
        fields.push((k, v));
    }
    if rng.fault(15) {
        fields.push(("\"Extra\"".to_string(), "1".to_string()));
    }
    if rng.one_in(4) {
        for i in (1..fields.len()).rev() {
            let j = rng.below(i + 1);
            fields.swap(i, j);
        }
    }
    let sep = if rng.one_in(8) { " , " } else { "," };
    let body: Vec<String> = fields
        .into_iter()
        .map(|(k, v)| {
            if rng.one_in(8) {
                format!("{k} :\n {v}")
            } else {
                format!("{k}:{v}")
            }
        })
        .collect();
    format!("{{{}}}", body.join(sep))
}

fn field(value: String, rng: &mut Rng, name: &str) -> (String, String) {
    (key(rng, name), value)
}

const OUTPUTS: &[&str] = &[
    "Vibrate",
    "Vibrate",
    "Vibrate",
    "Rotate",
    "Oscillate",
    "Constrict",
    "Position",
    "HwPositionWithDuration",
    "PositionWithDuration",
    "Temperature",
    "Led",
    "Spray",
    "vibrate",
];

fn command(rng: &mut Rng) -> String {
    if rng.fault(25) {
        return rng
            .pick(&["null", "[]", "\"Vibrate\"", "{}", "3"])
            .to_string();
    }
    let mut entries = vec![output_entry(rng)];
    if rng.fault(20) {
        entries.push(output_entry(rng));
    }
    object(rng, entries)
}

fn output_entry(rng: &mut Rng) -> (String, String) {
    let kind = if rng.fault(12) {
        rng.pick(&["Bogus", "", "Vibrate2"])
    } else {
        rng.pick(OUTPUTS)
    };
    let mut params = vec![field(level(rng), rng, "Value")];
    let wants_duration = kind.contains("Duration");
    if (wants_duration && !rng.one_in(6)) || rng.one_in(8) {
        let duration = if rng.fault(5) {
            index(rng)
        } else {
            (rng.below(1000)).to_string()
        };
        params.push(field(duration, rng, "Duration"));
    }
    let params = if rng.fault(30) {
        "[1, 2]".to_string()
    } else {
        object(rng, params)
    };
    (key(rng, kind), params)
}

/// One message: mostly the commands the fast path takes, sometimes any other.
fn message(rng: &mut Rng) -> String {
    let name = if rng.fault(6) {
        rng.pick(&[
            "InputCmd",
            "RequestDeviceList",
            "StopScanning",
            "RequestServerInfo",
            "Test",
            "Bogus",
        ])
    } else {
        rng.pick(&["OutputCmd", "OutputCmd", "OutputCmd", "StopCmd", "Ping"])
    };
    let mut fields = vec![field(id(rng), rng, "Id")];
    match name {
        "OutputCmd" => {
            fields.push(field(index(rng), rng, "DeviceIndex"));
            fields.push(field(index(rng), rng, "FeatureIndex"));
            fields.push(field(command(rng), rng, "Command"));
        }
        "StopCmd" => {
            if !rng.one_in(3) {
                fields.push(field(index(rng), rng, "DeviceIndex"));
            }
            if rng.one_in(3) {
                fields.push(field(index(rng), rng, "FeatureIndex"));
            }
            if rng.one_in(3) {
                fields.push(field(boolean(rng), rng, "Inputs"));
            }
            if rng.one_in(3) {
                fields.push(field(boolean(rng), rng, "Outputs"));
            }
        }
        "InputCmd" => {
            fields.push(field(index(rng), rng, "DeviceIndex"));
            fields.push(field(index(rng), rng, "FeatureIndex"));
            fields.push(field("\"Battery\"".to_string(), rng, "Type"));
            fields.push(field("\"Read\"".to_string(), rng, "Command"));
        }
        "RequestServerInfo" => {
            fields.push(field("\"again\"".to_string(), rng, "ClientName"));
            fields.push(field("4".to_string(), rng, "ProtocolVersionMajor"));
        }
        _ => {}
    }
    let body = if rng.fault(40) {
        // The body as an array of its values, which no decoder takes.
        let values: Vec<String> = fields.into_iter().map(|(_, v)| v).collect();
        format!("[{}]", values.join(","))
    } else if rng.fault(60) {
        "null".to_string()
    } else {
        object(rng, fields)
    };
    match rng.below(60) {
        _ if rng.1 => format!("{{{}:{body}}}", key(rng, name)),
        0 => format!("{{{}:{body},\"Ping\":{{\"Id\":3}}}}", key(rng, name)),
        1 => "{}".to_string(),
        2 => "[]".to_string(),
        3 => "17".to_string(),
        _ => format!("{{{}:{body}}}", key(rng, name)),
    }
}

/// A frame: usually one array of one to four messages.
fn frame_text(rng: &mut Rng) -> String {
    let count = match rng.below(50) {
        0 if !rng.1 => 0,
        1 => MAX_MESSAGES_PER_FRAME,
        2 => MAX_MESSAGES_PER_FRAME + 1,
        n => 1 + n % 4,
    };
    let messages: Vec<String> = (0..count).map(|_| message(rng)).collect();
    let array = if rng.one_in(10) {
        format!("[ {} ]\n", messages.join(" ,\n"))
    } else {
        format!("[{}]", messages.join(","))
    };
    match rng.below(60) {
        _ if rng.1 => array,
        // A bare message, several arrays back to back, trailing bytes, cut short.
        0 if count > 0 => messages[0].clone(),
        1 => format!("{array}[{}]", message(rng)),
        2 => format!("{array} x"),
        3 => array[..array.len() / 2].to_string(),
        4 => format!("{array}null"),
        _ => array,
    }
}

/// The general decoder's reading of a frame in a v4 session (no handshake inside).
fn general(text: &str) -> Result<Vec<Decoded>, plugwire::spec::ButtplugError> {
    let mut codec = JsonCodec::new();
    codec.set_version(SpecVersion::V4);
    let messages = JsonCodec::split_frame(text)?;
    let no_devices = |_: u32| None;
    Ok(messages
        .into_iter()
        .map(|m| codec.decode_message(m, &no_devices))
        .collect())
}

#[test]
fn what_the_fast_path_takes_decodes_as_the_general_decoder_does() {
    let (mut taken, mut refused_by_both, mut left_to_general) = (0, 0, 0);
    for seed in 0..40_000u64 {
        let mut rng = Rng::new(seed);
        let text = frame_text(&mut rng);
        let general = general(&text);
        match typed::decode_v4_frame(&text) {
            Some(fast) => {
                taken += 1;
                let fast: Vec<Decoded> = fast
                    .into_iter()
                    .map(|(id, plan)| Decoded { id, plan: Ok(plan) })
                    .collect();
                assert_eq!(
                    general.as_ref(),
                    Ok(&fast),
                    "seed {seed}: the fast path read {text} differently"
                );
            }
            None => match general {
                Ok(decoded) if decoded.iter().all(|d| d.plan.is_ok()) => left_to_general += 1,
                _ => refused_by_both += 1,
            },
        }
    }
    eprintln!("taken {taken}, errors {refused_by_both}, left to general {left_to_general}");
    // The generator reaches all three outcomes, so the comparison above is not empty.
    assert!(taken > 10_000, "fast path took {taken} frames");
    assert!(
        refused_by_both > 5_000,
        "{refused_by_both} frames had errors"
    );
    assert!(
        left_to_general > 500,
        "{left_to_general} good frames left to the general decoder"
    );
}

#[test]
fn the_commands_clients_send_take_the_fast_path() {
    for text in [
        r#"[{"OutputCmd":{"Id":1000,"DeviceIndex":0,"FeatureIndex":0,"Command":{"Vibrate":{"Value":5}}}}]"#,
        r#"[{"OutputCmd":{"Id":2,"DeviceIndex":1,"FeatureIndex":3,"Command":{"HwPositionWithDuration":{"Value":50,"Duration":300}}}}]"#,
        r#"[{"Ping":{"Id":3}},{"StopCmd":{"Id":4}},{"StopCmd":{"Id":5,"DeviceIndex":0,"FeatureIndex":1,"Inputs":false}}]"#,
        "[ {\"StopCmd\" : {\"Id\" : 6, \"DeviceIndex\": null} } ]\n",
    ] {
        let fast = typed::decode_v4_frame(text).unwrap_or_else(|| panic!("not taken: {text}"));
        let general = general(text).expect("a frame");
        assert_eq!(fast.len(), general.len());
        for ((id, plan), decoded) in fast.into_iter().zip(general) {
            assert_eq!(decoded, Decoded { id, plan: Ok(plan) });
        }
    }
}

/// Two servers with the same simulated toy, one session on each, both after a v4
/// handshake and a scan: one answers through `submit_text` (the fast path where it
/// applies), the other through the general decoder alone. Every reply text is the same.
#[tokio::test]
async fn a_session_answers_every_frame_the_same_either_way() {
    let (rig_fast, rig_general) = (rig(&["LVS-Nora"]), rig(&["LVS-Nora"]));
    let (mut fast, mut general) = (Json::open(&rig_fast), Json::open(&rig_general));
    for s in [&mut fast, &mut general] {
        s.handshake(4).await;
        s.scan(2).await;
    }
    let mut taken = 0;
    for seed in 0..3_000u64 {
        let mut rng = Rng::new(seed);
        let text = frame_text(&mut rng);
        taken += usize::from(typed::decode_v4_frame(&text).is_some());
        let (count_fast, replies_fast) = fast.session.submit_counted(&text);
        let (count_general, replies_general) = general.session.submit_general(&text);
        let (replies_fast, replies_general) = (
            frame::frame(&replies_fast.await),
            frame::frame(&replies_general.await),
        );
        assert_eq!(
            (count_fast, &replies_fast),
            (count_general, &replies_general),
            "seed {seed}: {text}"
        );
    }
    eprintln!("taken {taken}");
    assert!(taken > 700, "fast path took {taken} frames");
}
