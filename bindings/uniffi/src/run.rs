//! How a call of the Rust `AsyncClient` runs: awaited by a Kotlin or Swift async call (uniffi
//! polls it in the tokio context of `async_runtime = "tokio"`), or waited for on the caller's
//! thread in that same context, so that one pool and one token cache serve both; and
//! [`Cancellation`], for foreign code whose task cancellation does not reach the call (Swift).

use std::{
    future::{poll_fn, Future},
    panic::{catch_unwind, AssertUnwindSafe},
    pin::pin,
    sync::Arc,
    task::{Context, Poll, Wake, Waker},
    thread::{self, Thread},
};

use tokio::sync::watch;
use uniffi::deps::async_compat::Compat;

use crate::ContactNowError;

/// Wakes the thread that waits in [`wait`].
struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs `future` to its end on this thread, which sleeps while it waits, in the tokio context
/// of the async calls (async-compat's runtime, the one uniffi's tokio support enters).
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

/// A way to cancel `*Async` calls from outside (their last argument): once [`Cancellation::cancel`]
/// is called, each call given it stops at once, sending nothing more, and fails with `Cancelled`
/// (`outcomeUnknown` when a TOD policy create was in flight); calls given it afterwards fail at
/// once. Kotlin needs none (cancel the coroutine); in Swift, `Cancellation.withTask { ... }`
/// ties one to the current task.
#[derive(Debug, Default, uniffi::Object)]
pub struct Cancellation(watch::Sender<bool>);

#[uniffi::export]
impl Cancellation {
    /// A cancellation not yet set off.
    #[uniffi::constructor]
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancels every call given this cancellation (idempotent; any thread).
    pub fn cancel(&self) {
        self.0.send_replace(true);
    }

    /// Whether [`Cancellation::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        *self.0.borrow()
    }
}

/// Completes once `cancellation` is cancelled; never without one.
pub(crate) async fn cancelled(cancellation: Option<Arc<Cancellation>>) {
    match cancellation {
        // The sender lives as long as the cancellation, so the only way out is the flag set.
        Some(c) => {
            let _ = c.0.subscribe().wait_for(|cancelled| *cancelled).await;
        }
        None => std::future::pending().await,
    }
}
