//! A small HTTP vocabulary over ureq for the REST tests: requests answered with status
//! and JSON body, and a server-sent event reader on its own thread.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

pub struct Http {
    agent: ureq::Agent,
    token: Option<String>,
}

/// Status and body (JSON when it parses, else a string; Null when empty).
pub type Answer = (u16, Value);

impl Http {
    pub fn new() -> Http {
        Http {
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(Duration::from_secs(15)))
                .build()
                .into(),
            token: None,
        }
    }

    /// Sends `Authorization: Bearer TOKEN` with every request.
    pub fn with_token(mut self, token: &str) -> Http {
        self.token = Some(token.to_string());
        self
    }

    fn answer(response: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Answer {
        let mut response = response.expect("the HTTP exchange completes");
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, body)
    }

    pub fn get(&self, url: &str) -> Answer {
        let mut request = self.agent.get(url);
        if let Some(t) = &self.token {
            request = request.header("Authorization", &format!("Bearer {t}"));
        }
        Self::answer(request.call())
    }

    pub fn put(&self, url: &str) -> Answer {
        let mut request = self.agent.put(url);
        if let Some(t) = &self.token {
            request = request.header("Authorization", &format!("Bearer {t}"));
        }
        Self::answer(request.send_empty())
    }

    /// POSTs `body` as `application/json`.
    pub fn post_json(&self, url: &str, body: &str) -> Answer {
        let mut request = self
            .agent
            .post(url)
            .header("Content-Type", "application/json");
        if let Some(t) = &self.token {
            request = request.header("Authorization", &format!("Bearer {t}"));
        }
        Self::answer(request.send(body))
    }
}

/// One server-sent event: its name and its data as JSON.
#[derive(Debug, Clone)]
pub struct Sse {
    pub event: String,
    pub data: Value,
}

/// An open event stream; closing it (dropping) closes the connection.
pub struct EventStream {
    pub events: mpsc::Receiver<Sse>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl EventStream {
    /// Opens `url` and reads its events on a thread. Panics unless the answer is 200
    /// with `text/event-stream`.
    pub fn open(url: &str) -> EventStream {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let response = agent.get(url).call().expect("the event stream opens");
        assert_eq!(response.status().as_u16(), 200, "event stream status");
        let kind = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        assert!(kind.starts_with("text/event-stream"), "content type {kind}");
        let (tx, events) = mpsc::channel();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(response.into_body().into_reader());
            let mut event = String::new();
            let mut data = String::new();
            loop {
                let mut line = String::new();
                match reader.read_line(&mut line) {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
                if stopped.load(std::sync::atomic::Ordering::Acquire) {
                    return;
                }
                let line = line.trim_end_matches(['\r', '\n']);
                if let Some(v) = line.strip_prefix("event:") {
                    event = v.trim().to_string();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim());
                } else if line.is_empty() && !data.is_empty() {
                    let parsed = serde_json::from_str(&data).unwrap_or(Value::String(data.clone()));
                    if tx
                        .send(Sse {
                            event: std::mem::take(&mut event),
                            data: parsed,
                        })
                        .is_err()
                    {
                        return;
                    }
                    data.clear();
                }
            }
        });
        EventStream { events, stop }
    }

    /// The next event named `name` within `within`, skipping others.
    pub fn next_named(&self, name: &str, within: Duration) -> Sse {
        let deadline = std::time::Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.events.recv_timeout(left) {
                Ok(e) if e.event == name => return e,
                Ok(_) => {}
                Err(_) => panic!("no {name:?} event within {within:?}"),
            }
        }
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Release);
    }
}
