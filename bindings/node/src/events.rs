//! Call events to JavaScript: each engine event (`contactnow::Event`) becomes a plain object
//! `{ name, level, message, call, ...fields }` (camelCase field names) handed to the
//! function `index.js` gives the client, which publishes it on `diagnostics_channel` and
//! to `NODE_DEBUG=contactnow`. Events come from whatever thread runs the call; a
//! thread-safe function queues them, in order, to the JavaScript thread.

use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc,
};

use contactnow::{
    options::{option_name, Casing},
    Event, Observer, Value,
};
use napi::{
    bindgen_prelude::Function,
    threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode},
    Status,
};
use serde_json::json;

/// The client's observer: quiet until JavaScript says someone listens.
pub struct JsEvents {
    sink: ThreadsafeFunction<serde_json::Value, (), serde_json::Value, Status, false, true>,
    /// Set by `NativeClient.listening` before each call: a subscriber or `NODE_DEBUG`.
    pub listening: Arc<AtomicBool>,
}

impl JsEvents {
    /// Events for `on_event`, a JavaScript function of one event object (held weakly: it
    /// never keeps the process alive).
    pub fn new(on_event: &Function<'_, serde_json::Value, ()>) -> napi::Result<Self> {
        let sink = on_event.build_threadsafe_function().weak::<true>().callee_handled::<false>().build()?;
        Ok(Self { sink, listening: Arc::new(AtomicBool::new(false)) })
    }
}

impl Observer for JsEvents {
    fn enabled(&self) -> bool {
        self.listening.load(Ordering::Relaxed)
    }

    fn event(&self, event: &Event) {
        let mut object = json!({ "name": event.name(), "level": event.level().as_str(), "message": event.message() });
        for (key, value) in event.fields() {
            object[option_name(key, Casing::Camel)] = match value {
                Value::Str(s) => json!(s),
                Value::Int(n) => json!(n),
                Value::Millis(ms) => json!(ms),
                Value::Bool(b) => json!(b),
            };
        }
        // A full queue or a closing environment drops the event: never block a call for it.
        let _ = self.sink.call(object, ThreadsafeFunctionCallMode::NonBlocking);
    }
}
