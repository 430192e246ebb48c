//! `NativeAbort`: the native end of a call's `AbortSignal`. `index.js` makes one for each
//! call given a `signal`, passes it to the call, and calls `abort()` from the signal's
//! `abort` listener; the call, running on the addon's tokio runtime, races its every wait (an
//! attempt in flight, a pause, the token fetch) against it and ends with the engine's
//! `Cancelled` error when it fires (see `AsyncClient::execute_until`).

use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc,
};

use napi_derive::napi;
use tokio::sync::Notify;

/// A one-way switch: once flipped, every [`Switch::flipped`] future completes.
#[derive(Default)]
pub(crate) struct Switch {
    on: AtomicBool,
    notify: Notify,
}

impl Switch {
    /// Flips the switch (again is harmless).
    fn flip(&self) {
        self.on.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    /// Completes once the switch is flipped (at once if it already is).
    pub(crate) async fn flipped(&self) {
        loop {
            // Made before the check, so a flip between the two still wakes it.
            let notified = self.notify.notified();
            if self.on.load(Ordering::SeqCst) {
                return;
            }
            notified.await;
        }
    }
}

/// Completes when `switch` (if any) is flipped; never without one.
pub(crate) async fn cancelled(switch: Option<Arc<Switch>>) {
    match switch {
        Some(switch) => switch.flipped().await,
        None => std::future::pending().await,
    }
}

/// Cancels the call it is given to: `abort()` ends that call where it is (the request in
/// flight is abandoned, a pause cut short) and rejects its promise with a `Cancelled` error.
#[napi(js_name = "NativeAbort")]
pub struct JsAbort {
    switch: Arc<Switch>,
}

impl JsAbort {
    /// The switch the call waits on.
    pub(crate) fn switch(&self) -> Arc<Switch> {
        Arc::clone(&self.switch)
    }
}

#[napi]
impl JsAbort {
    /// A switch not yet flipped.
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Self { switch: Arc::default() }
    }

    /// Cancels the call (if it has not ended yet); calling it again does nothing.
    #[napi]
    pub fn abort(&self) {
        self.switch.flip();
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
        let mut waiting = pin!(cancelled(Some(abort.switch())));
        assert!(poll(waiting.as_mut()).is_pending());
        abort.abort();
        assert!(poll(waiting.as_mut()).is_ready());
        // Already flipped: at once; again: harmless.
        abort.abort();
        assert!(poll(pin!(cancelled(Some(abort.switch())))).is_ready());
    }

    #[test]
    fn no_switch_never_completes() {
        assert!(poll(pin!(cancelled(None))).is_pending());
    }
}
