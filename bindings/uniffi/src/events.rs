//! Call events: an app's [`EventListener`] gets a `CallEvent` (the core's, one record of the
//! same names and values as every other language's events) for each step of every call of
//! the client it is set on, in order, on the thread that runs or polls the call at that step.
//! Never a token, a password or record content.

use std::sync::{Arc, Mutex};

use contactnow::{Event, Observer};
use contactnow_core::engine::CallEvent;

/// Implemented in Kotlin or Swift to see what calls do; keep it quick, it runs on the call's thread.
#[uniffi::export(with_foreign)]
pub trait EventListener: Send + Sync {
    /// One event.
    fn on_event(&self, event: CallEvent);
}

/// The client's observer: the listener set on it, if any.
#[derive(Default)]
pub(crate) struct Listeners(pub(crate) Mutex<Option<Arc<dyn EventListener>>>);

impl Listeners {
    fn get(&self) -> Option<Arc<dyn EventListener>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Observer for Listeners {
    fn enabled(&self) -> bool {
        self.get().is_some()
    }

    fn event(&self, event: &Event) {
        if let Some(listener) = self.get() {
            // A throwing listener must not end the call: uniffi reports its panic here.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| listener.on_event(event.into())));
        }
    }
}
