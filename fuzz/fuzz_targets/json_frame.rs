//! Arbitrary text as Buttplug JSON frames, in every spec version: decoding never panics
//! and every message gets a decode result.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plugwire::spec::frame::DeviceLookup;
use plugwire::spec::{JsonCodec, SpecVersion};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let mut codec = JsonCodec::new();
    if let Some(v) = SpecVersion::from_number(u64::from(selector % 6)) {
        codec.set_version(v);
    }
    let no_devices = |_: u32| None;
    let lookup: &dyn DeviceLookup = &no_devices;
    if let Ok(messages) = JsonCodec::split_frame(&text) {
        for m in messages {
            let decoded = codec.decode_message(m, lookup);
            if decoded.plan.is_err() {
                // Errors must carry a readable message.
                assert!(!decoded.plan.unwrap_err().message.is_empty());
            }
        }
    }
});
