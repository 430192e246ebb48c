//! `NativeCall`: one engine call (`contactnow_core::engine`) driven from JavaScript, so a
//! client with a `sender` (e.g. `fetch`) runs every rule of the Rust client (retries,
//! pauses, token fetch and refresh, outcome unknown) while JavaScript does the I/O, holding
//! no thread while it waits.

use std::time::{Instant, SystemTime};

use contactnow::{ApiCall, Client, Failure as SendFailure, Format, GenericCall};
use contactnow_core::engine::{Call, Now, Step};
use napi::{
    bindgen_prelude::{Either5, Either6, Unknown},
    Env,
};
use napi_derive::napi;

use crate::{
    error::Failure,
    generic::JsGenericResult,
    sansio::{convert_request, output, response_of, JsHttpRequest},
};

/// Any operation's value as one of [`Parsed`]'s first five.
fn widen(value: crate::sansio::Parsed) -> Parsed {
    match value {
        Either5::A(v) => Either6::A(v),
        Either5::B(v) => Either6::B(v),
        Either5::C(v) => Either6::C(v),
        Either5::D(v) => Either6::D(v),
        Either5::E(v) => Either6::E(v),
    }
}

/// What a driven call resolves to: any operation's value, or a generic result.
pub type Parsed = Either6<
    crate::output::JsWriteResult,
    crate::output::JsAssignmentColumns,
    crate::output::JsTodPolicyListing,
    crate::output::JsTokenGrant,
    crate::output::JsTokenStatus,
    JsGenericResult,
>;

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
    #[napi(ts_type = "WriteResult | AssignmentColumns | TodPolicyListing | TokenGrant | TokenStatus | GenericResult")]
    pub value: Option<Parsed>,
}

/// One call in flight (made by `NativeClient.start` or `startGeneric`).
#[napi(js_name = "NativeCall")]
pub struct JsCall {
    call: Calls,
    client: Client,
    format: Format,
    origin: Instant,
}

/// The two kinds of engine call JavaScript drives.
enum Calls {
    Api(Call<ApiCall>),
    Generic(Call<GenericCall>),
}

/// One step as JavaScript sees it (the output converted, errors as `Failure`).
enum Next {
    Step(JsStep),
    NeedToken,
    Done(Result<Parsed, Failure>),
}

fn next<T>(step: Step<'_, T>, convert: impl FnOnce(T) -> Result<Parsed, Failure>) -> Next {
    let plain = |kind: &str| JsStep { kind: kind.to_owned(), request: None, timeout_ms: None, ms: None, value: None };
    match step {
        Step::Send(send) => Next::Step(JsStep {
            request: Some(convert_request(send.request.clone())),
            timeout_ms: Some(send.timeout.as_secs_f64() * 1000.0),
            ..plain("send")
        }),
        Step::Sleep(pause) => Next::Step(JsStep { ms: Some(pause.as_secs_f64() * 1000.0), ..plain("sleep") }),
        Step::NeedToken => Next::NeedToken,
        Step::Done(result) => Next::Done(result.map_err(Failure::from).and_then(convert)),
    }
}

impl JsCall {
    /// A call of `call` in `client`'s session.
    pub(crate) fn new(client: &Client, call: ApiCall) -> Self {
        Self::of(client, Calls::Api(client.start(call)))
    }

    /// A generic call in `client`'s session.
    pub(crate) fn generic(client: &Client, call: GenericCall) -> Self {
        Self::of(client, Calls::Generic(client.start(call)))
    }

    fn of(client: &Client, call: Calls) -> Self {
        Self { call, client: client.clone(), format: client.format(), origin: Instant::now() }
    }

    fn provide_token(&mut self, token: Result<contactnow::Token, contactnow::Error>) {
        match &mut self.call {
            Calls::Api(call) => call.provide_token(token),
            Calls::Generic(call) => call.provide_token(token),
        }
    }

    fn report(&mut self, outcome: Result<contactnow::HttpResponse, SendFailure>) {
        match (&mut self.call, outcome) {
            (Calls::Api(call), Ok(response)) => call.received(response),
            (Calls::Api(call), Err(failure)) => call.failed(failure),
            (Calls::Generic(call), Ok(response)) => call.received(response),
            (Calls::Generic(call), Err(failure)) => call.failed(failure),
        }
    }
}

#[napi]
impl JsCall {
    /// The next step; throws the call's error (a `ContactNowError`) when it failed.
    #[napi]
    pub fn step(&mut self, env: Env) -> napi::Result<JsStep> {
        loop {
            let now = Now { monotonic: self.origin.elapsed(), wall: SystemTime::now() };
            let format = self.format;
            let next = match &mut self.call {
                Calls::Api(call) => next(call.step(now), |v| Ok(widen(output(v, format)?))),
                Calls::Generic(call) => next(call.step(now), |v| Ok(Either6::F(JsGenericResult::convert(v, format)?))),
            };
            return match next {
                Next::Step(step) => Ok(step),
                Next::NeedToken => {
                    let token = self.client.provide_token();
                    self.provide_token(token);
                    continue;
                }
                Next::Done(Ok(value)) => Ok(JsStep {
                    kind: "done".to_owned(),
                    request: None,
                    timeout_ms: None,
                    ms: None,
                    value: Some(value),
                }),
                Next::Done(Err(failure)) => Err(failure.into_napi(&env)),
            };
        }
    }

    /// Reports the answer to the last `'send'` step: `{ status, contentType?, body, retryAfter? }`.
    #[napi(ts_args_type = "response: HttpResponse")]
    pub fn received(&mut self, env: Env, response: Unknown) -> napi::Result<()> {
        match response_of(response).and_then(|r| r.into_core()) {
            Ok(response) => self.report(Ok(response)),
            // An answer the driver could not express is a failure after sending.
            Err(failure) => {
                self.report(Err(SendFailure::new("the sender's response was unusable")));
                return Err(failure.into_napi(&env));
            }
        }
        Ok(())
    }

    /// Ends the call at the caller's request (its `AbortSignal`): throws the call's
    /// `Cancelled` error, with `outcomeUnknown` when a write that is not safe to repeat was in
    /// flight. The driver then stops.
    #[napi]
    pub fn cancel(&mut self, env: Env) -> napi::Result<()> {
        let error = match &mut self.call {
            Calls::Api(call) => call.cancel(),
            Calls::Generic(call) => call.cancel(),
        };
        Err(Failure::from(error).into_napi(&env))
    }

    /// Reports that the last `'send'` step got no answer: `timeout` for a timeout, `notSent`
    /// when the request certainly did not leave (connection refused).
    #[napi]
    pub fn failed(&mut self, message: String, timeout: bool, not_sent: bool) {
        let mut failure = SendFailure::new(message);
        failure.timeout = timeout;
        failure.not_sent = not_sent;
        self.report(Err(failure));
    }
}
