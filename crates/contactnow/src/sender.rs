//! Bring your own HTTP: a [`Sender`] replaces the client's ureq transport, and the client's
//! engine still decides everything else (tokens, retries, pauses, refresh, outcome rules).

use std::time::Duration;

use contactnow_core::{engine::Failure, HttpRequest, HttpResponse};

/// An HTTP stack of the caller's, for [`ClientBuilder::sender`](crate::ClientBuilder::sender).
///
/// ```
/// use std::{sync::Arc, time::Duration};
/// use contactnow::{Client, Failure, HttpRequest, HttpResponse, Sender};
///
/// struct Canned;
/// impl Sender for Canned {
///     fn send(&self, request: &HttpRequest, _timeout: Duration) -> Result<HttpResponse, Failure> {
///         assert!(request.url.contains("method=priority"));
///         Ok(HttpResponse::new(200, Some("application/json"), r#"{"success":true,"total":0,"list":[]}"#))
///     }
/// }
///
/// let client = Client::builder().token("T0KEN").sender(Arc::new(Canned)).build()?;
/// assert!(client.read_assignments(None, None)?.records.is_empty());
/// # Ok::<(), contactnow::Error>(())
/// ```
pub trait Sender: Send + Sync {
    /// Sends `request` as given, taking at most `timeout`, and returns the answer whatever
    /// its status, or why there is none ([`Failure::before_sending`] when it certainly did
    /// not leave: that lets even a TOD policy create be tried again).
    fn send(&self, request: &HttpRequest, timeout: Duration) -> Result<HttpResponse, Failure>;

    /// Waits before the next attempt; by default the calling thread sleeps.
    fn sleep(&self, pause: Duration) {
        std::thread::sleep(pause);
    }
}
