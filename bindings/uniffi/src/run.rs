//! How the bindings run a call of the Rust `AsyncClient`: awaited by a Kotlin or Swift async
//! call (uniffi polls the future on the foreign side, inside the tokio context of uniffi's
//! `async_runtime = "tokio"`), or waited for on the caller's thread by a blocking call.
//! Both run in that same tokio context, so one client, one connection pool and one token
//! cache serve both. Also [`Cancellation`], for foreign code whose task cancellation does not
//! reach the Rust future (Swift).

use std::{
    future::{poll_fn, Future},
    panic::{catch_unwind, AssertUnwindSafe},
    pin::pin,
    sync::Arc,
    task::{Context, Poll, Wake, Waker},
    thread::{self, Thread},
};

use uniffi::deps::async_compat::Compat;

use crate::ContactNowError;

/// Wakes the thread that waits in [`wait`].
struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs `future` to its end on this thread, which sleeps while it waits. The future is polled
/// in the tokio context the async calls use (async-compat's runtime, the one uniffi's tokio
/// support enters), so its connections and timers are those of every other call.
pub(crate) fn wait<F: Future>(future: F) -> F::Output {
    let mut future = pin!(Compat::new(future));
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        thread::park();
    }
}

/// `future`, with a panic while it is polled turned into [`ContactNowError::Internal`] (the
/// async counterpart of [`guard`](crate::guard)): the future is not polled again after one.
pub(crate) async fn guarded<T>(future: impl Future<Output = Result<T, ContactNowError>>) -> Result<T, ContactNowError> {
    let mut future = pin!(future);
    poll_fn(move |cx| {
        catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx)))
            .unwrap_or_else(|_| Poll::Ready(Err(crate::panicked())))
    })
    .await
}

/// Completes once `cancellation` is cancelled; never without one.
pub(crate) async fn cancelled(cancellation: Option<Arc<Cancellation>>) {
    match cancellation {
        Some(cancellation) => cancellation.cancelled().await,
        None => std::future::pending().await,
    }
}

/// A way to cancel `*Async` calls from outside: give it to them (their last argument) and
/// call [`Cancellation::cancel`]; each call still running then stops at once (its request
/// in flight or its pause before a repeat is abandoned, nothing more is sent) and fails with
/// `ContactNowError.Cancelled`, whose `outcomeUnknown` says whether a TOD policy create may
/// have reached the server. Kotlin needs none (cancelling the coroutine does the same);
/// Swift's `Task.cancel()` does not reach the call by itself: `Cancellation.withTask { ... }`
/// (in the package) ties one to the current task. One cancellation can serve many calls;
/// once cancelled it stays so, and calls given it afterwards fail at once, sending nothing.
#[derive(Debug, uniffi::Object)]
pub struct Cancellation {
    cancelled: tokio::sync::watch::Sender<bool>,
}

impl Default for Cancellation {
    fn default() -> Self {
        Self { cancelled: tokio::sync::watch::Sender::new(false) }
    }
}

#[uniffi::export]
impl Cancellation {
    /// A cancellation not yet set off.
    #[uniffi::constructor]
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancels every call given this cancellation (idempotent; any thread).
    pub fn cancel(&self) {
        self.cancelled.send_replace(true);
    }

    /// Whether [`Cancellation::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        *self.cancelled.borrow()
    }
}

impl Cancellation {
    /// Completes once cancelled.
    async fn cancelled(&self) {
        let mut seen = self.cancelled.subscribe();
        // The sender lives as long as `self`, so the only way out is the flag set.
        let _ = seen.wait_for(|cancelled| *cancelled).await;
    }
}
