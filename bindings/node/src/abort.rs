//! `NativeAbort`: the native end of a call's `AbortSignal`. `index.js` makes one for each
//! call given a `signal` and calls `abort()` from the signal's `abort` listener; the call,
//! running on the addon's tokio runtime, races its every wait against it and ends with the
//! engine's `Cancelled` error when it fires (see `AsyncClient::execute_until`).

use std::{future::Future, sync::Arc};

use napi_derive::napi;
use tokio::sync::watch;

/// Cancels the call it is given to: `abort()` ends that call where it is (the request in
/// flight is abandoned, a pause cut short) and rejects its promise with a `Cancelled` error.
#[napi(js_name = "NativeAbort")]
pub struct JsAbort {
    switch: Arc<watch::Sender<bool>>,
}

/// Completes once `abort` (if any) is aborted, at once if it already is; never without one.
pub(crate) fn cancelled(abort: Option<&JsAbort>) -> impl Future<Output = ()> + Send + 'static {
    // The future holds the sender, so the wait ends only with an abort.
    let switch = abort.map(|a| Arc::clone(&a.switch));
    async move {
        match switch {
            Some(switch) => drop(switch.subscribe().wait_for(|&on| on).await),
            None => std::future::pending().await,
        }
    }
}

#[napi]
impl JsAbort {
    /// A switch not yet flipped.
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Self { switch: Arc::new(watch::Sender::new(false)) }
    }

    /// Cancels the call (if it has not ended yet); calling it again does nothing.
    #[napi]
    pub fn abort(&self) {
        self.switch.send_replace(true);
    }
}

#[cfg(test)]
mod tests {
    use std::{
        pin::pin,
        task::{Context, Waker},
    };

    use super::*;

    #[test]
    fn an_abort_ends_the_wait_before_or_during_it() {
        let poll = |f: std::pin::Pin<&mut _>| Future::poll(f, &mut Context::from_waker(Waker::noop())).is_ready();
        let abort = JsAbort::new();
        let mut waiting = pin!(cancelled(Some(&abort)));
        assert!(!poll(waiting.as_mut()));
        abort.abort();
        assert!(poll(waiting.as_mut()) && poll(pin!(cancelled(Some(&abort)))) && !poll(pin!(cancelled(None))));
    }
}
