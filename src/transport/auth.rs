//! The optional bearer token (`plugwire serve --auth-token-file`): a connection that does
//! not come from this machine must present it, on the websocket handshake and on every
//! REST request; loopback connections need none.
//!
//! A client presents the token as an `Authorization: Bearer <token>` header or, for
//! clients that cannot set headers (browsers' websockets, most Buttplug client
//! libraries), as a `token=<token>` query parameter of the URL.

use std::net::IpAddr;
use std::path::Path;

/// Why a token could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum AuthTokenError {
    #[error("--auth-token-file {path}: cannot be read: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("--auth-token-file {path}: the file holds no token (it is empty or only whitespace)")]
    Empty { path: String },
    #[error(
        "--auth-token-file {path}: the token may hold only visible ASCII characters other than '&' and '#'"
    )]
    BadCharacters { path: String },
}

/// Why a connection was refused; the text is what the client is told (HTTP 401).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error(
        "this server needs a token from clients that are not on its machine: send `Authorization: Bearer <token>` or add `token=<token>` to the URL's query"
    )]
    Missing,
    #[error("the token presented is not this server's token")]
    Wrong,
}

/// The token connections from other machines must present.
#[derive(Clone)]
pub struct AuthToken {
    token: String,
    loopback_exempt: bool,
}

impl std::fmt::Debug for AuthToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token itself never reaches a log.
        f.debug_struct("AuthToken")
            .field("loopback_exempt", &self.loopback_exempt)
            .finish_non_exhaustive()
    }
}

impl AuthToken {
    /// The token in `path`: its content without surrounding whitespace.
    pub fn from_file(path: &Path) -> Result<AuthToken, AuthTokenError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| AuthTokenError::Read {
            path: shown.clone(),
            source,
        })?;
        let token = text.trim();
        if token.is_empty() {
            return Err(AuthTokenError::Empty { path: shown });
        }
        if !token
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'&' && b != b'#')
        {
            return Err(AuthTokenError::BadCharacters { path: shown });
        }
        Ok(AuthToken {
            token: token.to_string(),
            loopback_exempt: true,
        })
    }

    /// Requires the token from loopback connections too (tests use it to stand for a
    /// connection from another machine).
    pub fn required_on_loopback(mut self) -> AuthToken {
        self.loopback_exempt = false;
        self
    }

    /// Decides on a connection from `peer` carrying an `Authorization` header value and a
    /// URL query (both optional).
    pub fn check(
        &self,
        peer: IpAddr,
        authorization: Option<&str>,
        query: Option<&str>,
    ) -> Result<(), Refusal> {
        if self.loopback_exempt && peer.to_canonical().is_loopback() {
            return Ok(());
        }
        let from_header = authorization.map(|h| {
            let h = h.trim();
            match h.split_once(' ') {
                Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
                _ => h,
            }
        });
        let from_query = query.and_then(|q| {
            q.split('&')
                .find_map(|pair| pair.strip_prefix("token="))
                .map(|t| t.trim())
        });
        let presented = from_header.or(from_query).ok_or(Refusal::Missing)?;
        if same(presented.as_bytes(), self.token.as_bytes()) {
            Ok(())
        } else {
            Err(Refusal::Wrong)
        }
    }
}

/// Compares without stopping at the first differing byte.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(exempt: bool) -> AuthToken {
        AuthToken {
            token: "s3cret".into(),
            loopback_exempt: exempt,
        }
    }

    #[test]
    fn loopback_needs_no_token_unless_asked() {
        let lo: IpAddr = "127.0.0.1".parse().unwrap();
        let mapped: IpAddr = "::ffff:127.0.0.1".parse().unwrap();
        assert_eq!(token(true).check(lo, None, None), Ok(()));
        assert_eq!(token(true).check(mapped, None, None), Ok(()));
        assert_eq!(token(false).check(lo, None, None), Err(Refusal::Missing));
    }

    #[test]
    fn other_machines_present_the_token_by_header_or_query() {
        let far: IpAddr = "10.1.2.3".parse().unwrap();
        let t = token(true);
        assert_eq!(t.check(far, None, None), Err(Refusal::Missing));
        assert_eq!(t.check(far, Some("Bearer s3cret"), None), Ok(()));
        assert_eq!(t.check(far, Some("bearer  s3cret "), None), Ok(()));
        assert_eq!(
            t.check(far, Some("Bearer s3cre"), None),
            Err(Refusal::Wrong)
        );
        assert_eq!(t.check(far, None, Some("a=1&token=s3cret")), Ok(()));
        assert_eq!(t.check(far, None, Some("token=nope")), Err(Refusal::Wrong));
    }
}
