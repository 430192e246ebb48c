//! The `contactnow` binary end to end: commands against the embedded sandbox, exit codes,
//! CSV errors, and that the token never shows in output.

use std::{io::Write, process::Command};

fn contactnow(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_contactnow"))
        .args(args)
        .env_remove("CONTACTNOW_TOKEN")
        .env_remove("CONTACTNOW_BASE_URL")
        .env_remove("CONTACTNOW_USERNAME")
        .env_remove("CONTACTNOW_PASSWORD")
        .output()
        .expect("binary runs");
    let text = |b: Vec<u8>| String::from_utf8(b).expect("utf-8 output");
    (out.status.code().unwrap_or(-1), text(out.stdout), text(out.stderr))
}

fn csv_file(text: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(text.as_bytes()).expect("write");
    file
}

#[test]
fn lists_demo_assignments_in_every_output_and_format() {
    let (code, table, err) = contactnow(&["--sandbox", "priority", "list"]);
    assert_eq!(code, 0, "{err}");
    assert!(table.starts_with("AGENT_ID  QUEUE_ID  LEVEL"), "{table}");
    assert!(table.lines().count() > 2, "demo data has assignments: {table}");
    let (code, json, _) = contactnow(&["--sandbox", "--format", "xml", "-o", "json", "priority", "list"]);
    assert_eq!(code, 0);
    let rows: serde_json::Value = serde_json::from_str(&json).expect("json output");
    assert_eq!(rows.as_array().map(Vec::len), Some(table.lines().count() - 1));
    let (code, csv, _) = contactnow(&["--sandbox", "-o", "csv", "tod-policy", "list"]);
    assert_eq!(code, 0);
    assert!(csv.starts_with("uid,description,default\n"), "{csv}");
    assert!(csv.contains("2164,MyTOD,queue"), "{csv}");
}

#[test]
fn filters_and_single_policy() {
    let (code, out, err) = contactnow(&["--sandbox", "-o", "csv", "tod-policy", "list", "--id", "2178"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "uid,description,default\n2178,OutOfHours,hangup\n");
}

#[test]
fn writes_report_their_result() {
    let (code, out, err) = contactnow(&["--sandbox", "priority", "assign", "424242", "1007", "5"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("assigned: 1 affected"), "{out}");
    let (code, out, err) =
        contactnow(&["--sandbox", "tod-policy", "create", "--description", "Night & day", "--default", "jump:1007"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("created: 1 affected, 0 failed, key "), "{out}");
    let (code, out, err) = contactnow(&["--sandbox", "tod-policy", "update", "2164", "--default", "voicemail"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("updated: 1 affected"), "{out}");
}

#[test]
fn bad_input_exits_2_before_sending() {
    let (code, _, err) =
        contactnow(&["--sandbox", "tod-policy", "create", "--description", "X", "--default", "jump:x"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("malformed jump target"), "{err}");
    let (code, _, err) = contactnow(&["priority", "list"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no credentials"), "{err}");
    let (code, _, _) = contactnow(&["--sandbox", "priority", "assign", "1", "2"]);
    assert_eq!(code, 2, "clap usage errors exit 2");
}

#[test]
fn api_failure_exits_1() {
    let (code, _, err) = contactnow(&["--sandbox", "priority", "set-level", "999999", "999999", "5"]);
    assert_eq!(code, 1, "updating a pair that does not exist fails: {err}");
}

#[test]
fn transport_failure_exits_3_without_leaking_the_token() {
    let (code, out, err) =
        contactnow(&["--base-url", "http://127.0.0.1:1", "--token", "tok-SECRET-4242", "priority", "list"]);
    assert_eq!(code, 3, "{err}");
    assert!(!out.contains("tok-SECRET-4242") && !err.contains("tok-SECRET-4242"), "{err}");
}

#[test]
fn apply_plans_then_applies_and_dry_run_sends_nothing() {
    let file = csv_file("agent_id,queue_id,level\n900001,1007,10\n900002,1007,20\n900003,1008,30\n");
    let path = file.path().to_str().expect("utf-8 path");
    let (code, out, err) = contactnow(&["--sandbox", "priority", "apply", path, "--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("plan: 3 to create, 0 to update"), "{out}");
    assert!(out.contains("on the server but not in the file"), "{out}");
    assert!(out.contains("dry run: nothing sent"), "{out}");
    let (code, out, err) = contactnow(&["--sandbox", "priority", "apply", path, "--batch-size", "2"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("applied: 3 created, 0 updated, 2 request(s), 0 failed"), "{out}");
}

#[test]
fn apply_reports_every_bad_row_by_line() {
    let file = csv_file("agent_id,queue_id,level\n1,2,3\nabc,2,3\n1,2,4\n");
    let path = file.path().to_str().expect("utf-8 path");
    let (code, out, err) = contactnow(&["--sandbox", "priority", "apply", path]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "nothing planned or sent: {out}");
    assert!(err.contains("2 bad row(s)"), "{err}");
    assert!(err.contains(":3: agent_id \"abc\"") || err.contains("line 3"), "{err}");
    assert!(err.contains("line 4") && err.contains("already listed on line 2"), "{err}");
}

#[test]
fn readme_quick_start_shows_the_real_output() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).expect("README");
    let (_, after) = readme.split_once("--sandbox priority list\n```").expect("quick start command in README");
    let (_, block) = after.split_once("```text\n").expect("quick start output block");
    let (shown, _) = block.split_once("```").expect("closed block");
    let (code, out, err) = contactnow(&["--sandbox", "priority", "list"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(shown, out, "README quick start output is stale");
}

/// A sandbox in this process (empty, default settings) for tests that inject faults.
fn sandbox() -> contactnow_sandbox::Sandbox {
    contactnow_sandbox::Sandbox::start(contactnow_sandbox::Config::default()).expect("sandbox starts")
}

fn against(sandbox: &contactnow_sandbox::Sandbox, args: &[&str]) -> (i32, String, String) {
    let (url, token) = (sandbox.base_url(), sandbox.token());
    let mut all = vec!["--base-url", url.as_str(), "--token", token.as_str()];
    all.extend_from_slice(args);
    contactnow(&all)
}

const THREE_NEW: &str = "agent_id,queue_id,level\n501,7,1\n502,7,2\n503,7,3\n";

#[test]
fn apply_partial_failure_exits_1_and_lists_what_failed() {
    use contactnow_sandbox::{Fault, FaultSpec};
    let sandbox = sandbox();
    let fault = Fault::ApiError { error: "Database busy".into() };
    sandbox.push_fault(FaultSpec::new(fault).method("priority").action("create"));
    let file = csv_file(THREE_NEW);
    let path = file.path().to_str().expect("utf-8 path");
    let (code, out, err) = against(&sandbox, &["priority", "apply", path, "--batch-size", "2"]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.contains("applied: 1 created, 0 updated, 2 request(s), 2 failed"), "{out}");
    assert!(out.contains("  failed: agent 501 queue 7 level 1\n  failed: agent 502 queue 7 level 2\n"), "{out}");
    assert!(err.contains("records 1..2") && err.contains("Database busy"), "{err}");
    // The run is resumable: applying the same file again creates only what failed.
    let (code, out, err) = against(&sandbox, &["-o", "json", "priority", "apply", path]);
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("json report");
    assert_eq!(doc["summary"]["create"], 2, "{doc}");
    assert_eq!(doc["summary"]["unchanged"], 1, "{doc}");
    assert_eq!(doc["summary"]["created"], 2, "{doc}");
}

#[test]
fn apply_stopped_by_the_transport_exits_3() {
    use contactnow_sandbox::{Fault, FaultSpec};
    let sandbox = sandbox();
    sandbox.push_fault(FaultSpec::new(Fault::Reset).method("priority").action("create").times(20));
    let file = csv_file(THREE_NEW);
    let path = file.path().to_str().expect("utf-8 path");
    let (code, out, err) = against(&sandbox, &["-o", "csv", "priority", "apply", path, "--batch-size", "2"]);
    assert_eq!(code, 3, "{out}\n{err}");
    assert_eq!(
        out,
        "action,agent_id,queue_id,level,current_level,result\n\
         create,501,7,1,,failed\ncreate,502,7,2,,failed\ncreate,503,7,3,,not sent\n",
        "the run stops at the first batch: the read-back names what was sent, the rest is not sent"
    );
    assert!(!err.contains(&sandbox.token()), "{err}");
    let (code, out, _) = against(&sandbox, &["priority", "apply", path, "--batch-size", "2"]);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("applied: 0 created, 0 updated, 3 request(s), 2 failed, 1 not sent\n"), "3 attempts: {out}");
    assert!(out.ends_with("  not sent: agent 503 queue 7 level 3\n"), "{out}");
}

#[test]
fn a_server_that_stays_unavailable_exits_3() {
    use contactnow_sandbox::{Fault, FaultSpec};
    let sandbox = sandbox();
    let unavailable = Fault::Status { status: 503, retry_after: None };
    sandbox.push_fault(FaultSpec::new(unavailable).method("priority").action("read").times(3));
    let (code, _, err) = against(&sandbox, &["priority", "list"]);
    assert_eq!(code, 3, "try again later, as for a transport failure: {err}");
    assert!(err.contains("503"), "{err}");
}

#[test]
fn sign_in_is_one_way_and_blank_variables_are_unset() {
    let (code, _, err) = contactnow(&["--token", "t", "--username", "u", "--password", "p", "priority", "list"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("give one way to sign in"), "{err}");
    let (code, _, err) = contactnow(&["--token", "   ", "priority", "list"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no credentials"), "{err}");
}

#[test]
fn arguments_are_checked_and_named_by_the_command_line() {
    let (code, _, err) = contactnow(&["--sandbox", "priority", "assign", "0", "1007", "5"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("invalid value '0' for '<AGENT>'"), "{err}");
    let (code, _, err) = contactnow(&["--sandbox", "priority", "list", "--agent", "0"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("'--agent <AGENT>'"), "{err}");
    let (code, _, err) = contactnow(&["--sandbox", "tod-policy", "update", "2164"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--description") && err.contains("--default"), "{err}");
    let (code, _, err) = contactnow(&["--base-url", "http://example.test", "--token", "t", "priority", "list"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--allow-insecure-http"), "the flag, not the library's option: {err}");
    let (code, _, err) =
        contactnow(&["--base-url", "http://0.0.0.0:1", "--allow-insecure-http", "--token", "t", "priority", "list"]);
    assert_eq!(code, 3, "the flag lets the call go (to a closed port): {err}");
}

#[test]
fn a_closed_stderr_does_not_crash_the_command() {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_contactnow"))
        .args(["-v", "--base-url", "http://127.0.0.1:1", "--token", "t", "priority", "list"])
        .env_remove("CONTACTNOW_TOKEN")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    drop(child.stderr.take());
    let status = child.wait().expect("exits");
    assert_eq!(status.code(), Some(3), "a transport failure, not a panic (101)");
}

#[test]
fn apply_updates_and_reports_in_json() {
    let sandbox = sandbox();
    let file = csv_file("agent_id,queue_id,level\n601,8,1\n");
    let path = file.path().to_str().expect("utf-8 path");
    assert_eq!(against(&sandbox, &["priority", "apply", path]).0, 0);
    let file = csv_file("agent_id,queue_id,level\n601,8,9\n602,8,2\n");
    let path = file.path().to_str().expect("utf-8 path");
    let (code, out, err) = against(&sandbox, &["-o", "json", "priority", "apply", path, "--dry-run"]);
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("json plan");
    assert_eq!(doc["dry_run"], true);
    assert_eq!(doc["changes"][0]["action"], "create");
    assert_eq!(doc["changes"][1]["action"], "update");
    assert_eq!(doc["changes"][1]["current_level"], 1);
    assert_eq!(doc["changes"][1]["result"], "planned");
    let (code, out, err) = against(&sandbox, &["priority", "apply", path]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("  ~ agent 601 queue 8 level 1 -> 9"), "{out}");
    assert!(out.contains("applied: 1 created, 1 updated, 2 request(s), 0 failed"), "{out}");
    let (_, list, _) = against(&sandbox, &["-o", "csv", "priority", "list", "--queue", "8"]);
    assert_eq!(list, "agent_id,queue_id,level\n601,8,9\n602,8,2\n");
}

#[test]
fn negative_ids_and_wrong_case_actions_name_their_argument() {
    for args in [
        &["--sandbox", "priority", "list", "--agent", "-1"][..],
        &["--sandbox", "priority", "assign", "-5", "1007", "1"],
        &["--sandbox", "tod-policy", "list", "--id", "-2"],
    ] {
        let (code, _, err) = contactnow(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains("invalid value '-"), "{args:?} names the value: {err}");
        assert!(!err.contains("unexpected argument"), "{args:?}: {err}");
    }
    let (code, _, err) =
        contactnow(&["--sandbox", "tod-policy", "create", "--description", "N", "--default", "JUMP:12"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("default"), "{err}");
}

#[test]
fn a_huge_csv_field_is_not_echoed_whole() {
    let huge = "9x".repeat(1_000_000);
    let file = csv_file(&format!("agent_id,queue_id,level\n{huge},1007,1\n"));
    let (code, _, err) = contactnow(&["--sandbox", "priority", "apply", file.path().to_str().unwrap_or_default()]);
    assert_eq!(code, 2, "{}", &err[..err.len().min(300)]);
    assert!(err.len() < 2_000, "the error quotes {} bytes", err.len());
    assert!(err.contains("bytes in all"), "{err}");
}

#[test]
fn the_generic_call_reads_writes_and_refuses() {
    let (code, out, err) =
        contactnow(&["--sandbox", "-o", "csv", "call", "priority", "read", "--filter", "agent=1234"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "agentid,qid,level\n1234,1007,0\n1234,1234,100\n");
    let file = csv_file("agentid,qid,level\n1234,1301,9\n");
    let path = file.path().to_str().unwrap_or_default();
    let (code, out, err) = contactnow(&["--sandbox", "call", "priority", "create", "--records", path]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("done: total 1"), "{out}");
    let (code, _, err) = contactnow(&["--sandbox", "call", "queues", "read"]);
    assert_eq!(code, 1, "the sandbox's documented error for other methods: {err}");
    assert!(err.contains("Unknown method"), "{err}");
    let (code, _, err) = contactnow(&["--sandbox", "call", "priority", "read", "--filter", "method=x"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = contactnow(&["--sandbox", "call", "priority", "read", "--filter", "novalue"]);
    assert_eq!(code, 2, "{err}");
}

/// A sandbox with an API user, and the secrets that must never show.
const SB_TOKEN: &str = "tok-CLI-SECRET/+=";
const SB_USER: &str = "ops";
const SB_PASSWORD: &str = "pw-CLI-SECRET &9";

fn demo_sandbox() -> contactnow_sandbox::Sandbox {
    contactnow_sandbox::Sandbox::start(contactnow_sandbox::Config {
        seed: contactnow_sandbox::Seed::Demo,
        tokens: vec![SB_TOKEN.to_owned()],
        users: vec![(SB_USER.to_owned(), SB_PASSWORD.to_owned())],
        ..Default::default()
    })
    .expect("sandbox starts")
}

fn assert_no_secret(text: &str) {
    for secret in [SB_TOKEN, SB_PASSWORD] {
        let encoded: String = secret.bytes().map(|b| format!("%{b:02X}")).collect();
        for form in [secret.to_owned(), encoded, secret.replace('/', "%2F").replace('+', "%2B")] {
            assert!(!text.contains(&form), "{form} in {text}");
        }
    }
}

#[test]
fn verbose_prints_each_attempt_and_very_verbose_the_decisions() {
    use contactnow_sandbox::{Fault, FaultSpec};
    let sb = demo_sandbox();
    let base = sb.base_url();
    let status = |s| FaultSpec::new(Fault::Status { status: s, retry_after: Some(0) }).method("priority");
    sb.push_fault(status(503));
    let (code, out, err) = contactnow(&["--base-url", &base, "--token", SB_TOKEN, "-v", "priority", "list"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("AGENT_ID"), "{out}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].contains("attempt 1 GET") && lines[0].contains("-> HTTP 503"), "{err}");
    assert!(lines[1].contains("attempt 2 GET") && lines[1].contains("-> HTTP 200"), "{err}");
    assert!(lines[0].contains("token=***&method=priority&action=read"), "{err}");
    assert_no_secret(&err);

    sb.push_fault(status(503));
    let (code, _, err) =
        contactnow(&["--base-url", &base, "--username", SB_USER, "--password", SB_PASSWORD, "-vv", "priority", "list"]);
    assert_eq!(code, 0, "{err}");
    let kinds: Vec<&str> = err
        .lines()
        .map(|l| match l {
            l if l.contains(": attempt ") => "attempt",
            l if l.contains("; attempt 2 after ") => "retry",
            l if l.contains("priority.read (json") => "start",
            l if l.contains(": ok after 3 attempts") => "end",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["start", "attempt", "attempt", "retry", "attempt", "end"], "{err}");
    assert!(err.contains("/token.php?action=get&username=ops&password=*** -> HTTP 200"), "{err}");
    assert_no_secret(&err);
}

#[test]
fn token_check_reports_expiry_and_rejects_a_bad_token() {
    let sb = demo_sandbox();
    let base = sb.base_url();
    let (code, out, err) = contactnow(&["--base-url", &base, "--token", SB_TOKEN, "token", "check"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("valid: token\n"), "{out}");
    assert!(out.contains("\ntime left: ") && out.contains("database.php: accepts it (4 TOD policies"), "{out}");
    let (code, out, err) = contactnow(&[
        "--base-url",
        &base,
        "--username",
        SB_USER,
        "--password",
        SB_PASSWORD,
        "-o",
        "json",
        "token",
        "check",
    ]);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(report["auth"], "credentials");
    assert_eq!(report["username"], SB_USER);
    let left = report["expires_in"].as_u64().expect("seconds left");
    assert!(left > 11 * 3600 && left <= 12 * 3600, "{out}");
    assert_no_secret(&out);
    let (code, _, err) = contactnow(&["--base-url", &base, "--token", "tok-WRONG-1", "token", "check"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("Invalid token") && !err.contains("tok-WRONG-1"), "{err}");
}

#[test]
fn completions_for_every_shell() {
    for (shell, marker) in [("bash", "complete -F"), ("zsh", "#compdef contactnow"), ("fish", "complete -c contactnow")]
    {
        let (code, out, err) = contactnow(&["completions", shell]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains(marker) && out.contains("tod-policy"), "{shell}: {out}");
    }
}
