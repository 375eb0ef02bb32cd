//! Arbitrary bytes as ABI requests to a connected client: no input may crash the library.
#![no_main]

use std::ptr;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use plugwire::ffi::*;
use plugwire::proto as pb;
use prost::Message;

struct Client(*mut PlugwireClient);
// SAFETY: the ABI allows a handle to be used from any thread.
unsafe impl Send for Client {}
unsafe impl Sync for Client {}

fn client() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        let mut raw = ptr::null_mut();
        let status = unsafe { plugwire_client_new(None, ptr::null_mut(), &mut raw) };
        assert_eq!(status, PlugwireStatus::Ok);
        let connect = pb::Request {
            kind: Some(pb::request::Kind::ConnectEmbedded(pb::ConnectEmbedded {
                simulated_devices: vec![pb::SimulatedDevice {
                    name: "LVS-Nora".into(),
                    ..Default::default()
                }],
                ..Default::default()
            })),
        }
        .encode_to_vec();
        unsafe {
            plugwire_client_request(raw, connect.as_ptr(), connect.len(), None, ptr::null_mut())
        };
        Client(raw)
    })
}

fuzz_target!(|data: &[u8]| {
    let c = client();
    let status =
        unsafe { plugwire_client_request(c.0, data.as_ptr(), data.len(), None, ptr::null_mut()) };
    assert_ne!(
        status,
        PlugwireStatus::Panic,
        "the library panicked on {data:?}"
    );
    // Drain pull-mode events so the queue stays small.
    let mut buf = ptr::null_mut();
    let mut len = 0;
    while unsafe { plugwire_client_next_event(c.0, 0, &mut buf, &mut len) } == PlugwireStatus::Ok {
        unsafe { plugwire_buffer_free(buf, len) };
    }
});
