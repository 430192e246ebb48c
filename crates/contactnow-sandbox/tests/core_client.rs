//! The protocol core's requests, sent as built, parse back through the core: the sandbox
//! and the client agree on every operation, in both formats.
#![allow(clippy::unwrap_used)]

mod common;
use common::*;
use contactnow_core::{
    Assignment, CreateAssignments, CreatePolicies, DefaultAction, Endpoint, Error, Format, GetToken, HttpRequest,
    HttpResponse, Method, NewTodPolicy, Operation, ReadAssignments, ReadPolicies, TodPolicyUpdate, Token,
    UpdateAssignments, UpdatePolicies, ValidateToken,
};

fn send(agent: &ureq::Agent, request: &HttpRequest) -> HttpResponse {
    let response = match request.method {
        Method::Get => agent.get(&request.url).call().unwrap(),
        Method::Post => {
            let mut builder = agent.post(&request.url);
            for (name, value) in &request.headers {
                builder = builder.header(name, value);
            }
            builder.send(&request.body[..]).unwrap()
        }
    };
    let status = response.status().as_u16();
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body = response.into_body().read_to_vec().unwrap();
    HttpResponse::new(status, content_type.as_deref(), body)
}

fn call<O: Operation>(agent: &ureq::Agent, sb: &Sandbox, op: &O, format: Format) -> Result<O::Output, Error> {
    let endpoint = Endpoint::new(&sb.base_url()).unwrap();
    let request = op.build_request(&endpoint, &Token::new(sb.token()), format).unwrap();
    op.parse_response(format, &send(agent, &request))
}

#[test]
fn every_operation_in_both_formats() {
    for format in [Format::Json, Format::Xml] {
        let sb = start(Seed::Demo);
        let a = agent();
        let created = call(
            &a,
            &sb,
            &CreateAssignments { records: vec![Assignment::new(77, 1007, 5), Assignment::new(77, 1234, 6)] },
            format,
        )
        .unwrap();
        assert_eq!((created.total, created.bad, created.account_id), (2, 0, Some(10278)));
        let existing =
            call(&a, &sb, &CreateAssignments { records: vec![Assignment::new(77, 1007, 9)] }, format).unwrap();
        assert_eq!(existing.total, 0);
        let updated =
            call(&a, &sb, &UpdateAssignments { records: vec![Assignment::new(77, 1007, 50)] }, format).unwrap();
        assert_eq!(updated.total, 1);
        let listing = call(&a, &sb, &ReadAssignments { agent_id: Some(77), queue_id: None }, format).unwrap();
        assert_eq!(listing.records, vec![Assignment::new(77, 1007, 50), Assignment::new(77, 1234, 6)]);

        let policy = NewTodPolicy::new("Nuit & <café> ☎\ttab", DefaultAction::Jump(1007));
        let created = call(&a, &sb, &CreatePolicies { records: vec![policy.clone()] }, format).unwrap();
        let uid = created.key.unwrap();
        assert!(uid >= 2179);
        let update = TodPolicyUpdate::new(uid).default_action(DefaultAction::Voicemail);
        let updated = call(&a, &sb, &UpdatePolicies { records: vec![update] }, format).unwrap();
        assert_eq!(updated.total, 1);
        let listing = call(&a, &sb, &ReadPolicies { policy_id: Some(uid) }, format).unwrap();
        assert_eq!(listing.records.len(), 1);
        assert_eq!(listing.records[0].description, policy.description);
        assert_eq!(listing.records[0].default, DefaultAction::Voicemail);

        // An update of an unknown assignment is a failed record: the core reports an API error.
        let err = call(&a, &sb, &UpdateAssignments { records: vec![Assignment::new(5, 5, 5)] }, format).unwrap_err();
        let api = err.api().unwrap();
        assert_eq!((api.total, api.bad), (Some(0), Some(1)));
        // A partial batch is never plain success.
        let err = call(
            &a,
            &sb,
            &UpdateAssignments { records: vec![Assignment::new(77, 1007, 1), Assignment::new(5, 5, 5)] },
            format,
        )
        .unwrap_err();
        assert!(err.api().unwrap().partial, "{err:?}");

        // Token refusals are recognisable as such.
        sb.expire_token(&sb.token());
        let err = call(&a, &sb, &ReadPolicies { policy_id: None }, format).unwrap_err();
        assert!(err.api().unwrap().is_token_rejected(), "{err:?}");
    }
}

#[test]
fn token_endpoint_through_the_core() {
    let sb = start(Seed::Empty);
    let a = agent();
    let endpoint = Endpoint::new(&sb.base_url()).unwrap();
    let get = GetToken::new("demo", "demo-password");
    let grant = get.parse_response(&send(&a, &get.build_request(&endpoint).unwrap())).unwrap();
    let validate = ValidateToken::new(grant.token.clone());
    let status = validate.parse_response(&send(&a, &validate.build_request(&endpoint).unwrap())).unwrap();
    assert_eq!(status.expire, grant.expire);
    let bad = GetToken::new("demo", "wrong");
    let err = bad.parse_response(&send(&a, &bad.build_request(&endpoint).unwrap())).unwrap_err();
    assert_eq!(err.api().unwrap().message, "Authentication failure");
}

/// With a huge `token_lifetime`, the expiry saturates at a value the core can read.
#[test]
fn huge_token_lifetime_through_the_core() {
    let sb = Sandbox::start(Config { token_lifetime: std::time::Duration::MAX, ..Config::default() }).unwrap();
    let a = agent();
    let endpoint = Endpoint::new(&sb.base_url()).unwrap();
    let get = GetToken::new("demo", "demo-password");
    let grant = get.parse_response(&send(&a, &get.build_request(&endpoint).unwrap())).unwrap();
    assert_eq!(grant.expire, i64::MAX);
    let validate = ValidateToken::new(grant.token.clone());
    let status = validate.parse_response(&send(&a, &validate.build_request(&endpoint).unwrap())).unwrap();
    assert_eq!(status.expire, i64::MAX);
    let read = ReadPolicies { policy_id: None };
    let request = read.build_request(&endpoint, &grant.token, Format::Json).unwrap();
    assert!(read.parse_response(Format::Json, &send(&a, &request)).is_ok());
}
