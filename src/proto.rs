//! Rust types generated from `protobuf/plugwire.proto`, the ABI message schema.
#![allow(missing_docs, clippy::all, clippy::pedantic)]

include!(concat!(env!("OUT_DIR"), "/plugwire.v1.rs"));
