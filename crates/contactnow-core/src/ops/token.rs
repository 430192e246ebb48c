//! `token.php`: getting a token from an API user's credentials, and validating one.
//!
//! Documented answers: `{"success":true,"token":"..","expire":<unix time>}`,
//! `{"success":false,"error":"Authentication failure"}`, and for validate
//! `{"success":true,"expire":..}`, `"Invalid token"` or `"Expired token"` with `expire: -1`.
//! These calls speak JSON only.

use std::borrow::Cow;

use super::decode;
use crate::{
    query::push_param, wire::record::NoRecord, Endpoint, Error, Format, HttpRequest, HttpResponse, Method, Password,
    Token,
};

/// A token granted by `token.php?action=get`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenGrant {
    /// The token (redacted when printed).
    pub token: Token,
    /// When it expires, in Unix seconds.
    pub expire: i64,
}

/// The answer of `token.php?action=validate` for a valid token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenStatus {
    /// When the token expires, in Unix seconds.
    pub expire: i64,
}

/// Asks for a token with an API user's name and password (`action=get`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetToken {
    /// The API user name.
    pub username: String,
    /// The API user's password (redacted when printed).
    pub password: Password,
}

impl GetToken {
    /// A request for `username`'s token.
    pub fn new(username: impl Into<String>, password: impl Into<Password>) -> Self {
        Self { username: username.into(), password: password.into() }
    }

    /// Builds the GET request; the password travels in the query, as documented.
    pub fn build_request(&self, endpoint: &Endpoint) -> Result<HttpRequest, Error> {
        if self.username.trim().is_empty() {
            return Err(Error::invalid("username", "must not be empty"));
        }
        if self.password.is_empty() {
            return Err(Error::invalid("password", "must not be empty"));
        }
        let mut url = endpoint.script("token.php");
        push_param(&mut url, "action", "get");
        push_param(&mut url, "username", &self.username);
        push_param(&mut url, "password", self.password.expose());
        Ok(token_request(url))
    }

    /// Parses the answer into a token and its expiry.
    pub fn parse_response(&self, response: &HttpResponse) -> Result<TokenGrant, Error> {
        let envelope = checked(response)?;
        let token = envelope.token.filter(|t| !t.is_empty());
        let token = token.ok_or_else(|| Error::decode(Format::Json, "missing field token", b""))?;
        let expire = envelope.expire.ok_or_else(|| Error::decode(Format::Json, "missing field expire", b""))?;
        Ok(TokenGrant { token: Token::new(token), expire })
    }
}

/// Asks whether a token is still valid (`action=validate`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidateToken {
    /// The token to check (redacted when printed).
    pub token: Token,
}

impl ValidateToken {
    /// A validation request for `token`.
    pub fn new(token: impl Into<Token>) -> Self {
        Self { token: token.into() }
    }

    /// Builds the GET request.
    pub fn build_request(&self, endpoint: &Endpoint) -> Result<HttpRequest, Error> {
        if self.token.is_empty() {
            return Err(Error::invalid("token", "must not be empty"));
        }
        let mut url = endpoint.script("token.php");
        push_param(&mut url, "action", "validate");
        push_param(&mut url, "token", self.token.expose());
        Ok(token_request(url))
    }

    /// Parses the answer: the expiry of a valid token, or an API error saying why not.
    pub fn parse_response(&self, response: &HttpResponse) -> Result<TokenStatus, Error> {
        let envelope = checked(response)?;
        let expire = envelope.expire.ok_or_else(|| Error::decode(Format::Json, "missing field expire", b""))?;
        Ok(TokenStatus { expire })
    }
}

/// `token.php` calls through the engine: JSON always, no session token, never a write.
impl super::Operation for GetToken {
    type Output = TokenGrant;

    fn build_request(&self, endpoint: &Endpoint, _: &Token, _: Format) -> Result<HttpRequest, Error> {
        GetToken::build_request(self, endpoint)
    }

    fn parse_response(&self, _: Format, response: &HttpResponse) -> Result<TokenGrant, Error> {
        GetToken::parse_response(self, response)
    }

    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed("token.get")
    }

    fn is_idempotent(&self) -> bool {
        true
    }

    fn needs_token(&self) -> bool {
        false
    }

    fn secrets(&self) -> Vec<&str> {
        vec![self.password.expose()]
    }
}

impl super::Operation for ValidateToken {
    type Output = TokenStatus;

    fn build_request(&self, endpoint: &Endpoint, _: &Token, _: Format) -> Result<HttpRequest, Error> {
        ValidateToken::build_request(self, endpoint)
    }

    fn parse_response(&self, _: Format, response: &HttpResponse) -> Result<TokenStatus, Error> {
        ValidateToken::parse_response(self, response)
    }

    fn name(&self) -> Cow<'static, str> {
        Cow::Borrowed("token.validate")
    }

    fn is_idempotent(&self) -> bool {
        true
    }

    fn needs_token(&self) -> bool {
        false
    }

    fn secrets(&self) -> Vec<&str> {
        vec![self.token.expose()]
    }
}

fn token_request(url: String) -> HttpRequest {
    HttpRequest {
        method: Method::Get,
        url,
        headers: vec![("Accept".into(), "application/json".into())],
        body: Vec::new(),
    }
}

/// Decodes the JSON answer; `success: false` is an API error.
///
/// A granted token is a secret: the body excerpt of an error never shows a `token` value
/// (an answer with a token but a malformed `expire` is still a decode error).
fn checked(response: &HttpResponse) -> Result<crate::wire::envelope::Envelope<NoRecord>, Error> {
    decode::<NoRecord>(Format::Json, response).map_err(|e| match e {
        Error::Decode { format, reason, outcome_unknown, .. } => {
            Error::Decode { format, reason, excerpt: redacted_excerpt(&response.body), outcome_unknown }
        }
        Error::HttpStatus { status, outcome_unknown, .. } => {
            Error::HttpStatus { status, excerpt: redacted_excerpt(&response.body), outcome_unknown }
        }
        other => other,
    })
}

/// The excerpt of `body` with the value of every `"token"` member replaced by `***`.
fn redacted_excerpt(body: &[u8]) -> String {
    const KEY: &[u8] = b"\"token\"";
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if !body[i..].starts_with(KEY) {
            out.push(body[i]);
            i += 1;
            continue;
        }
        out.extend_from_slice(KEY);
        i += KEY.len();
        // Whitespace, the colon, whitespace, then the value up to its closing quote.
        while i < body.len() && (body[i].is_ascii_whitespace() || body[i] == b':') {
            out.push(body[i]);
            i += 1;
        }
        if body.get(i) != Some(&b'"') {
            continue;
        }
        out.extend_from_slice(b"\"***\"");
        i += 1;
        while i < body.len() && body[i] != b'"' {
            i += if body[i] == b'\\' { 2 } else { 1 };
        }
        i += 1;
    }
    crate::error::excerpt(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> HttpResponse {
        HttpResponse::new(status, Some("application/json"), body)
    }

    #[test]
    fn a_granted_token_never_shows_in_an_error() {
        let get = GetToken::new("api", "pw");
        for (status, body) in [
            (200, r#"{"success":true,"token":"NEW-SECRET","expire":"soon"}"#),
            (200, r#"{"success":true, "token" : "NEW-\"SECRET","expire":[1]}"#),
            (200, r#"{"token":"NEW-SECRET""#),
            (502, r#"{"success":true,"token":"NEW-SECRET"}"#),
        ] {
            let err = get.parse_response(&answer(status, body)).unwrap_err();
            let shown = format!("{err} {err:?}");
            assert!(!shown.contains("SECRET"), "{shown}");
            assert!(shown.contains("***"), "{shown}");
        }
    }

    #[test]
    fn excerpts_keep_everything_but_token_values() {
        assert_eq!(redacted_excerpt(br#"{"token":"abc","expire":1}"#), r#"{"token":"***","expire":1}"#);
        assert_eq!(redacted_excerpt(br#"{"token":12}"#), r#"{"token":12}"#);
        assert_eq!(redacted_excerpt(br#"{"token""#), r#"{"token""#);
    }
}
