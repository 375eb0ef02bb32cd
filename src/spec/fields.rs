//! Reading message fields with clear errors for missing or wrong-typed values.

use serde_json::{Map, Value};

use super::ButtplugError;

pub(crate) type Body = Map<String, Value>;

fn missing(name: &str, expected: &str) -> ButtplugError {
    ButtplugError::message(format!("field {name} is missing or is not {expected}"))
}

/// A field that is absent or `null` is `None` (some clients send `null` for absent).
pub(crate) fn opt<'a>(body: &'a Body, name: &str) -> Option<&'a Value> {
    body.get(name).filter(|v| !v.is_null())
}

pub(crate) fn u32_field(body: &Body, name: &str) -> Result<u32, ButtplugError> {
    opt(body, name)
        .and_then(Value::as_u64)
        .and_then(|v| u32::try_from(v).ok())
        .ok_or_else(|| missing(name, "an unsigned integer"))
}

pub(crate) fn opt_u32_field(body: &Body, name: &str) -> Result<Option<u32>, ButtplugError> {
    match opt(body, name) {
        None => Ok(None),
        Some(_) => u32_field(body, name).map(Some),
    }
}

pub(crate) fn i32_field(body: &Body, name: &str) -> Result<i32, ButtplugError> {
    opt(body, name)
        .and_then(Value::as_i64)
        .and_then(|v| i32::try_from(v).ok())
        .ok_or_else(|| missing(name, "an integer"))
}

pub(crate) fn f64_field(body: &Body, name: &str) -> Result<f64, ButtplugError> {
    opt(body, name)
        .and_then(Value::as_f64)
        .ok_or_else(|| missing(name, "a number"))
}

pub(crate) fn bool_field(body: &Body, name: &str) -> Result<bool, ButtplugError> {
    opt(body, name)
        .and_then(Value::as_bool)
        .ok_or_else(|| missing(name, "a boolean"))
}

pub(crate) fn opt_bool_field(body: &Body, name: &str) -> Result<Option<bool>, ButtplugError> {
    match opt(body, name) {
        None => Ok(None),
        Some(_) => bool_field(body, name).map(Some),
    }
}

pub(crate) fn str_field<'a>(body: &'a Body, name: &str) -> Result<&'a str, ButtplugError> {
    opt(body, name)
        .and_then(Value::as_str)
        .ok_or_else(|| missing(name, "a string"))
}

pub(crate) fn array_field<'a>(body: &'a Body, name: &str) -> Result<&'a Vec<Value>, ButtplugError> {
    opt(body, name)
        .and_then(Value::as_array)
        .ok_or_else(|| missing(name, "an array"))
}

pub(crate) fn object<'a>(value: &'a Value, what: &str) -> Result<&'a Body, ButtplugError> {
    value
        .as_object()
        .ok_or_else(|| ButtplugError::message(format!("{what} is not an object")))
}
