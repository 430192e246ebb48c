//! Helpers shared by the integration tests: a sandbox and a plain HTTP client.
#![allow(dead_code, clippy::unwrap_used)]

use std::time::Duration;

#[allow(unused_imports)]
pub use contactnow_sandbox::{Config, Fault, FaultSpec, Sandbox, Seed};

/// A ureq agent that returns every status instead of erroring, with a generous timeout.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .max_idle_connections(200)
        .max_idle_connections_per_host(200)
        .build()
        .into()
}

/// An answer: status, content type, body text.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: String,
    pub retry_after: Option<String>,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

fn finish(response: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Result<Answer, ureq::Error> {
    let response = response?;
    let status = response.status().as_u16();
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let content_type = header("content-type").unwrap_or_default();
    let retry_after = header("retry-after");
    let body = response.into_body().read_to_string()?;
    Ok(Answer { status, content_type, body, retry_after })
}

pub fn try_get(agent: &ureq::Agent, url: &str) -> Result<Answer, ureq::Error> {
    finish(agent.get(url).call())
}

pub fn try_post(agent: &ureq::Agent, url: &str, content_type: &str, body: &str) -> Result<Answer, ureq::Error> {
    finish(agent.post(url).header("content-type", content_type).send(body))
}

pub fn get(agent: &ureq::Agent, url: &str) -> Answer {
    try_get(agent, url).unwrap()
}

pub fn post(agent: &ureq::Agent, url: &str, content_type: &str, body: &str) -> Answer {
    try_post(agent, url, content_type, body).unwrap()
}

/// `<base>/database.php?token=<token>&method=..&action=..&format=..&raw=1` plus `extra`.
pub fn db_url(sandbox: &Sandbox, method: &str, action: &str, format: &str, extra: &str) -> String {
    format!(
        "{}/database.php?token={}&method={method}&action={action}&format={format}&raw=1{extra}",
        sandbox.base_url(),
        sandbox.token()
    )
}

pub fn start(seed: Seed) -> Sandbox {
    Sandbox::start(Config { seed, ..Config::default() }).unwrap()
}
