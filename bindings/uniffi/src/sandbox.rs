//! The in-process sandbox (feature `sandbox`): start it, point a `Client` at it, stop it.

use std::sync::Mutex;

use crate::ContactNowError;

/// A fault the sandbox applies to the next request it receives.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SandboxFault {
    /// Answer with this HTTP status and a short HTML body.
    HttpStatus {
        /// The status code.
        status: u16,
    },
}

/// The ContactNow emulator, running in this process on a loopback port.
#[derive(Debug, uniffi::Object)]
pub struct Sandbox {
    inner: Mutex<Option<contactnow_sandbox::Sandbox>>,
    url: String,
    token: String,
}

#[uniffi::export]
impl Sandbox {
    /// Starts a sandbox with the default demo configuration.
    #[uniffi::constructor]
    pub fn start() -> Result<Self, ContactNowError> {
        let sandbox = contactnow_sandbox::Sandbox::start(contactnow_sandbox::Config::default())
            .map_err(|e| ContactNowError::Transport { detail: format!("sandbox: {e}"), outcome_unknown: false })?;
        let url = sandbox.base_url().to_string();
        let token = sandbox.token().to_string();
        Ok(Self { inner: Mutex::new(Some(sandbox)), url, token })
    }

    /// The base URL to give a `Client` (`http://127.0.0.1:<port>`).
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// A token the sandbox accepts.
    pub fn token(&self) -> String {
        self.token.clone()
    }

    /// Stops the sandbox; later calls to it fail with a transport error.
    pub fn stop(&self) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.take();
        }
    }
}
