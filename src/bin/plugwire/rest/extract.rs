//! The REST API's path and query extractors: axum's, except that a request they refuse
//! gets the API's JSON error (`{"error": "..."}`, 400) naming what was wrong, not axum's
//! plain-text body. A query such as `?duration=1x` or a path segment that is not UTF-8
//! is the caller's mistake like any other.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::routes::RestError;

macro_rules! json_refusing {
    ($name:ident, $axum:ident, $what:literal) => {
        #[doc = concat!("axum's `", stringify!($axum), "`, refusing with a JSON error.")]
        pub struct $name<T>(pub T);

        impl<T, S> FromRequestParts<S> for $name<T>
        where
            axum::extract::$axum<T>: FromRequestParts<S>,
            <axum::extract::$axum<T> as FromRequestParts<S>>::Rejection: std::fmt::Display,
            S: Send + Sync,
        {
            type Rejection = RestError;

            async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, RestError> {
                match axum::extract::$axum::<T>::from_request_parts(parts, state).await {
                    Ok(axum::extract::$axum(value)) => Ok($name(value)),
                    Err(refusal) => Err(RestError::BadRequest(format!("{}: {refusal}", $what))),
                }
            }
        }
    };
}

json_refusing!(Path, Path, "path");
json_refusing!(Query, Query, "query string");
