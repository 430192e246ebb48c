//! `token.php`: getting a token from an API user's credentials, and validating one.
//!
//! Documented answers: `{"success":true,"token":"..","expire":<unix time>}`,
//! `{"success":false,"error":"Authentication failure"}`, and for validate
//! `{"success":true,"expire":..}`, `"Invalid token"` or `"Expired token"` with `expire: -1`.
//! These calls speak JSON only.

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

fn token_request(url: String) -> HttpRequest {
    HttpRequest {
        method: Method::Get,
        url,
        headers: vec![("Accept".into(), "application/json".into())],
        body: Vec::new(),
    }
}

/// Decodes the JSON answer; `success: false` is an API error.
fn checked(response: &HttpResponse) -> Result<crate::wire::envelope::Envelope<NoRecord>, Error> {
    decode::<NoRecord>(Format::Json, response)
}
