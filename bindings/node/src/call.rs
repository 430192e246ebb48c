//! `NativeCall`: one engine call (`contactnow_core::engine`) driven from JavaScript, so a
//! client with a `sender` (e.g. `fetch`) runs every rule of the Rust client (retries,
//! pauses, token fetch and refresh, outcome unknown) while JavaScript does the I/O, holding
//! no thread while it waits.

use std::time::{Instant, SystemTime};

use contactnow::{ApiCall, Client, Failure as SendFailure};
use contactnow_core::engine::{Call, Now, Step};
use napi::{bindgen_prelude::Unknown, Env};
use napi_derive::napi;

use crate::{
    error::{throw, to_js, Result},
    output::{self, Output},
    value::{request, response_of},
};

/// What the JavaScript driver must do next: `'send'` `request` within `timeoutMs`,
/// `'sleep'` for `ms`, or `'done'` with `value`.
#[napi(object, js_name = "CallStep", object_from_js = false)]
#[derive(Default)]
pub struct JsStep {
    /// `'send'`, `'sleep'` or `'done'`.
    #[napi(ts_type = "'send' | 'sleep' | 'done'")]
    pub kind: String,
    /// For `'send'`: the request (its URL carries the token: never log it).
    #[napi(ts_type = "unknown")]
    pub request: Option<serde_json::Value>,
    /// For `'send'`: the longest the attempt may take.
    pub timeout_ms: Option<f64>,
    /// For `'sleep'`: the pause before the next attempt.
    pub ms: Option<f64>,
    /// For `'done'`: the call's value.
    #[napi(ts_type = "unknown")]
    pub value: Option<Output>,
}

/// One call in flight, of a client made with a `sender` (`NativeClient.execute` or `call`).
#[napi(js_name = "NativeCall")]
pub struct JsCall {
    call: Call<ApiCall>,
    client: Client,
    origin: Instant,
}

impl JsCall {
    /// A call of `op` in `client`'s session.
    pub(crate) fn new(client: &Client, op: ApiCall) -> Self {
        Self { call: client.start(op), client: client.clone(), origin: Instant::now() }
    }
}

/// The step as JavaScript sees it, `None` for a token to provide.
fn next(step: Step<'_, contactnow::ApiOutput>, format: contactnow::Format) -> Option<Result<JsStep>> {
    let ms = |d: std::time::Duration| Some(d.as_secs_f64() * 1000.0);
    let kind = |kind: &str| JsStep { kind: kind.into(), ..JsStep::default() };
    Some(match step {
        Step::NeedToken => return None,
        Step::Send(send) => {
            Ok(JsStep { request: Some(request(send.request)), timeout_ms: ms(send.timeout), ..kind("send") })
        }
        Step::Sleep(pause) => Ok(JsStep { ms: ms(pause), ..kind("sleep") }),
        Step::Done(result) => {
            result.and_then(|v| output::js(v, format)).map(|v| JsStep { value: Some(v), ..kind("done") })
        }
    })
}

#[napi]
impl JsCall {
    /// The next step; throws the call's error (a `ContactNowError`) when it failed.
    #[napi]
    pub fn step(&mut self, env: Env) -> napi::Result<JsStep> {
        let format = self.client.format();
        loop {
            let now = Now { monotonic: self.origin.elapsed(), wall: SystemTime::now() };
            if let Some(step) = next(self.call.step(now), format) {
                return step.map_err(throw(&env));
            }
            self.call.provide_token(self.client.provide_token());
        }
    }

    /// Reports the answer to the last `'send'` step: `{ status, contentType?, body, retryAfter? }`.
    /// An answer that is not of that shape is a failure after sending (the request left), as
    /// for a sender that throws: repeated when safe, else the call ends `outcomeUnknown`.
    #[napi]
    pub fn received(&mut self, response: Unknown) {
        match response_of(response) {
            Ok(response) => self.call.received(response),
            Err(error) => self.call.failed(SendFailure::new(format!("the sender's answer: {error}"))),
        }
    }

    /// Ends the call at the caller's request (its `AbortSignal`): throws the call's
    /// `Cancelled` error, with `outcomeUnknown` when a write that is not safe to repeat was in
    /// flight. The driver then stops.
    #[napi]
    pub fn cancel(&mut self, env: Env) -> napi::Result<()> {
        self.call.tell_time(Now { monotonic: self.origin.elapsed(), wall: SystemTime::now() });
        Err(to_js(&env, self.call.cancel()))
    }

    /// Reports that the last `'send'` step got no answer: `timeout` for a timeout, `notSent`
    /// when the request certainly did not leave (connection refused).
    #[napi]
    pub fn failed(&mut self, message: String, timeout: bool, not_sent: bool) {
        let mut failure = SendFailure::new(message);
        failure.timeout = timeout;
        failure.not_sent = not_sent;
        self.call.failed(failure);
    }
}
