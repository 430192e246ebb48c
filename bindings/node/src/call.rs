//! `NativeCall`: one engine call (`contactnow_core::engine`) driven from JavaScript, so a
//! client with a `sender` (e.g. `fetch`) runs every rule of the Rust client (retries,
//! pauses, token fetch and refresh, outcome unknown) while JavaScript does the I/O, holding
//! no thread while it waits.

use std::time::{Instant, SystemTime};

use contactnow::{ApiCall, Client, Failure as SendFailure, Format};
use contactnow_core::engine::{Call, Now, Step};
use napi::{bindgen_prelude::Unknown, Env};
use napi_derive::napi;

use crate::{
    error::Failure,
    sansio::{convert_request, output, response_of, JsHttpRequest, Parsed},
};

/// What the JavaScript driver must do next: `'send'` `request` within `timeoutMs`,
/// `'sleep'` for `ms`, or `'done'` with `value`.
#[napi(object, js_name = "CallStep")]
pub struct JsStep {
    /// `'send'`, `'sleep'` or `'done'`.
    #[napi(ts_type = "'send' | 'sleep' | 'done'")]
    pub kind: String,
    /// For `'send'`: the request (its URL carries the token: never log it).
    #[napi(ts_type = "HttpRequest")]
    pub request: Option<JsHttpRequest>,
    /// For `'send'`: the longest the attempt may take.
    pub timeout_ms: Option<f64>,
    /// For `'sleep'`: the pause before the next attempt.
    pub ms: Option<f64>,
    /// For `'done'`: the call's value.
    #[napi(ts_type = "WriteResult | AssignmentColumns | TodPolicyListing | TokenGrant | TokenStatus")]
    pub value: Option<Parsed>,
}

/// One call in flight (made by `NativeClient.start`).
#[napi(js_name = "NativeCall")]
pub struct JsCall {
    call: Call<ApiCall>,
    client: Client,
    format: Format,
    origin: Instant,
}

impl JsCall {
    /// A call of `call` in `client`'s session.
    pub(crate) fn new(client: &Client, call: ApiCall) -> Self {
        Self { call: client.start(call), client: client.clone(), format: client.format(), origin: Instant::now() }
    }
}

#[napi]
impl JsCall {
    /// The next step; throws the call's error (a `ContactNowError`) when it failed.
    #[napi]
    pub fn step(&mut self, env: Env) -> napi::Result<JsStep> {
        let step =
            |kind: &str| JsStep { kind: kind.to_owned(), request: None, timeout_ms: None, ms: None, value: None };
        loop {
            let now = Now { monotonic: self.origin.elapsed(), wall: SystemTime::now() };
            return match self.call.step(now) {
                Step::Send(send) => Ok(JsStep {
                    request: Some(convert_request(send.request.clone())),
                    timeout_ms: Some(send.timeout.as_secs_f64() * 1000.0),
                    ..step("send")
                }),
                Step::Sleep(pause) => Ok(JsStep { ms: Some(pause.as_secs_f64() * 1000.0), ..step("sleep") }),
                Step::NeedToken => {
                    self.call.provide_token(self.client.provide_token());
                    continue;
                }
                Step::Done(Ok(value)) => match output(value, self.format) {
                    Ok(value) => Ok(JsStep { value: Some(value), ..step("done") }),
                    Err(failure) => Err(failure.into_napi(&env)),
                },
                Step::Done(Err(error)) => Err(Failure::from(error).into_napi(&env)),
            };
        }
    }

    /// Reports the answer to the last `'send'` step: `{ status, contentType?, body, retryAfter? }`.
    #[napi(ts_args_type = "response: HttpResponse")]
    pub fn received(&mut self, env: Env, response: Unknown) -> napi::Result<()> {
        match response_of(response).and_then(|r| r.into_core()) {
            Ok(response) => self.call.received(response),
            // An answer the driver could not express is a failure after sending.
            Err(failure) => {
                self.call.failed(SendFailure::new("the sender's response was unusable"));
                return Err(failure.into_napi(&env));
            }
        }
        Ok(())
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
