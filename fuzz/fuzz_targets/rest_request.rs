//! REST API requests (`plugwire serve --rest-api-port`): the input is a series of
//! requests, one a line (`<method byte><path and query>`), sent in-process through the
//! API's router to a server with one simulated toy, from a loopback caller or (with a
//! required token) another machine. Every request gets an answer in time; every error is
//! a JSON object naming the problem; the session keeps answering; releasing it ends it.
#![no_main]

use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use libfuzzer_sys::fuzz_target;
use plugwire::ButtplugServer;
use plugwire::device::config::DeviceConfigDb;
use plugwire::hardware::simulated::{SimulatedDeviceSpec, SimulatedHardware};
use plugwire::transport::AuthToken;
use plugwire_fuzz::runtime;
use tower::ServiceExt;

#[allow(dead_code)]
#[path = "../../src/bin/plugwire/rest/mod.rs"]
mod rest;

const TOKEN: &str = "fuzz-token";

/// A token every non-loopback caller must present (written once per process).
fn token() -> &'static AuthToken {
    static TOKEN_FILE: OnceLock<AuthToken> = OnceLock::new();
    TOKEN_FILE.get_or_init(|| {
        let path = std::env::temp_dir().join(format!("plugwire-fuzz-token-{}", std::process::id()));
        std::fs::write(&path, TOKEN).expect("token file");
        let token = AuthToken::from_file(&path).expect("token");
        let _ = std::fs::remove_file(&path);
        token
    })
}

fn db() -> &'static DeviceConfigDb {
    static DB: OnceLock<DeviceConfigDb> = OnceLock::new();
    DB.get_or_init(DeviceConfigDb::builtin)
}

const METHODS: [Method; 4] = [Method::GET, Method::PUT, Method::POST, Method::DELETE];

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let peer: SocketAddr = if flags & 1 == 0 {
        "127.0.0.1:40000".parse().unwrap()
    } else {
        "192.0.2.7:40000".parse().unwrap()
    };
    let auth = (flags & 2 != 0).then(|| token().clone());
    runtime().block_on(async {
        let hw = SimulatedHardware::new();
        hw.add_device(SimulatedDeviceSpec {
            name: "LVS-Edge".into(),
            ..Default::default()
        });
        let server = ButtplugServer::builder()
            .device_config(db().clone())
            .simulated(hw)
            .default_message_gap_ms(0)
            .hardware_timeout(Duration::from_millis(100))
            .build()
            .expect("server");
        let client = rest::RestClient::new(server.clone(), Duration::from_secs(5));
        let app = rest::router(client.clone(), auth);
        for line in rest.split(|b| *b == b'\n').take(16) {
            let Some((&m, target)) = line.split_first() else {
                continue;
            };
            let method = METHODS[usize::from(m) % METHODS.len()].clone();
            let target = String::from_utf8_lossy(target);
            let mut builder = Request::builder().method(method).uri(target.as_ref());
            if flags & 4 != 0 {
                builder = builder.header(header::AUTHORIZATION, format!("Bearer {TOKEN}"));
            }
            // Targets that are not URIs never reach the router (hyper refuses them).
            let Ok(mut request) = builder.body(Body::empty()) else {
                continue;
            };
            request.extensions_mut().insert(ConnectInfo(peer));
            let response =
                tokio::time::timeout(Duration::from_secs(60), app.clone().oneshot(request))
                    .await
                    .unwrap_or_else(|_| panic!("no answer to {target:?}"))
                    .expect("the router is infallible");
            let status = response.status();
            let streaming = response
                .headers()
                .get(header::CONTENT_TYPE)
                .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
            if streaming {
                assert_eq!(status, StatusCode::OK, "{target:?}");
                continue;
            }
            let body =
                tokio::time::timeout(Duration::from_secs(60), response.into_body().collect())
                    .await
                    .unwrap_or_else(|_| panic!("body of {target:?} never ends"))
                    .expect("body")
                    .to_bytes();
            if !status.is_success() && status != StatusCode::METHOD_NOT_ALLOWED {
                let value: serde_json::Value = serde_json::from_slice(&body).unwrap_or_else(|e| {
                    panic!("{status} for {target:?} is not JSON ({e}): {body:?}")
                });
                let message = value["error"].as_str().unwrap_or_default();
                assert!(!message.is_empty(), "{status} for {target:?}: {value}");
            }
        }
        client.release().await;
        server.shutdown().await;
    });
});
