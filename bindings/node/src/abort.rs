//! `NativeAbort`: the native end of a call's `AbortSignal`. `index.js` makes one for each
//! call given a `signal`, passes it to the call, and calls `abort()` from the signal's
//! `abort` listener; the call, running on the addon's tokio runtime, races its every wait (an
//! attempt in flight, a pause, the token fetch) against it and ends with the engine's
//! `Cancelled` error when it fires (see `AsyncClient::execute_until`).

use std::sync::Arc;

use napi_derive::napi;
use tokio::sync::watch;

/// Cancels the call it is given to: `abort()` ends that call where it is (the request in
/// flight is abandoned, a pause cut short) and rejects its promise with a `Cancelled` error.
#[napi(js_name = "NativeAbort")]
pub struct JsAbort {
    switch: Arc<watch::Sender<bool>>,
}

/// Completes once `abort` (if any) is aborted, at once if it already is; never without one.
pub(crate) fn cancelled(abort: Option<&JsAbort>) -> impl std::future::Future<Output = ()> + Send + 'static {
    let switch = abort.map(|a| Arc::clone(&a.switch));
    async move {
        // The future holds the sender, so the wait ends only with a flip.
        if let Some(switch) = &switch {
            let _ = switch.subscribe().wait_for(|&on| on).await;
        } else {
            std::future::pending::<()>().await;
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
        future::Future,
        pin::pin,
        task::{Context, Poll, Waker},
    };

    use super::*;

    fn poll(future: std::pin::Pin<&mut impl Future<Output = ()>>) -> Poll<()> {
        future.poll(&mut Context::from_waker(Waker::noop()))
    }

    #[test]
    fn a_flip_completes_the_wait_before_or_during_it() {
        let abort = JsAbort::new();
        let mut waiting = pin!(cancelled(Some(&abort)));
        assert!(poll(waiting.as_mut()).is_pending());
        abort.abort();
        assert!(poll(waiting.as_mut()).is_ready());
        // Already flipped: at once; again: harmless.
        abort.abort();
        assert!(poll(pin!(cancelled(Some(&abort)))).is_ready());
        assert!(poll(pin!(cancelled(None))).is_pending());
    }
}
