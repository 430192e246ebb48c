//! State files: persistence, reload, refusing corrupt files, and surviving SIGKILL.
#![allow(clippy::unwrap_used)]

mod common;
use std::{
    collections::{HashMap, HashSet},
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use common::*;

fn with_state(path: &Path, seed: Seed) -> Result<Sandbox, contactnow_sandbox::Error> {
    Sandbox::start(Config { state_file: Some(path.to_owned()), seed, ..Config::default() })
}

#[test]
fn writes_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let sb = with_state(&path, Seed::Demo).unwrap();
    assert!(path.exists(), "the seed is saved at start");
    let a = agent();
    let key = post(
        &a,
        &db_url(&sb, "tod_policy", "create", "json", ""),
        "application/json",
        r#"[{"description":"Kept","default":"jump:1007"}]"#,
    )
    .json()["key"]
        .as_u64()
        .unwrap();
    post(
        &a,
        &db_url(&sb, "priority", "update", "json", ""),
        "application/json",
        r#"[{"agentid":"1234","qid":"1007","level":"77"}]"#,
    );
    sb.stop();

    // The seed option is ignored once a state file exists.
    let sb = with_state(&path, Seed::Empty).unwrap();
    let a = agent();
    let read = get(&a, &db_url(&sb, "tod_policy", "read", "json", &format!("&policy={key}"))).json();
    assert_eq!(read["list"][0]["description"], "Kept");
    let read = get(&a, &db_url(&sb, "priority", "read", "json", "&agent=1234&qid=1007")).json();
    assert_eq!(read["list"][0]["level"], "77");
    // uids continue after the saved ones.
    let next = post(
        &a,
        &db_url(&sb, "tod_policy", "create", "json", ""),
        "application/json",
        r#"[{"description":"N","default":"queue"}]"#,
    )
    .json();
    assert_eq!(next["key"].as_u64(), Some(key + 1));
    // Reset goes back to the seed of this run (empty) and saves it.
    sb.reset();
    sb.stop();
    let sb = with_state(&path, Seed::Demo).unwrap();
    assert_eq!(get(&agent(), &db_url(&sb, "tod_policy", "read", "json", "")).json()["total"], 0);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers, vec![std::ffi::OsString::from("state.json")]);
}

#[test]
fn corrupt_state_files_are_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let valid = {
        let sb = with_state(&path, Seed::Demo).unwrap();
        sb.stop();
        std::fs::read_to_string(&path).unwrap()
    };
    let corrupt = [
        String::new(),
        "{not json".to_owned(),
        valid[..valid.len() / 2].to_owned(),
        valid.replace("contactnow-sandbox-state/1", "other/9"),
        valid.replace("\"jump:1300\"", "\"jump:0\""),
        valid.replace("\"next_uid\": 2179", "\"next_uid\": 2170"),
        valid.replacen("\"agentid\": 1235", "\"agentid\": 1234", 2),
    ];
    for text in corrupt {
        std::fs::write(&path, &text).unwrap();
        let err = with_state(&path, Seed::Demo).unwrap_err();
        assert!(matches!(err, contactnow_sandbox::Error::CorruptState { .. }), "{err}");
        assert!(err.to_string().contains("refusing to start"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "the file must not be touched");
    }
    // The binary exits with a clear message.
    std::fs::write(&path, "{not json").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_contactnow-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--state"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is corrupt or unreadable, refusing to start"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "{not json");
}

/// A valid state file whose id counters are at `u64::MAX`: a create that needs an id is
/// refused as a whole with a clear error, nothing changes in memory or on disk, and creates
/// that need no id, updates and reads still work. (The counters used to overflow: a panic
/// answered "Internal error", after a batch could be half applied in memory.)
#[test]
fn exhausted_id_counters_refuse_creates_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    with_state(&path, Seed::Demo).unwrap().stop();
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("\"next_assignment_id\": 550423", &format!("\"next_assignment_id\": {}", u64::MAX))
        .replace("\"next_uid\": 2179", &format!("\"next_uid\": {}", u64::MAX));
    assert_eq!(text.matches(&u64::MAX.to_string()).count(), 2, "{text}");
    std::fs::write(&path, &text).unwrap();

    let sb = with_state(&path, Seed::Empty).unwrap();
    let a = agent();
    let reads = |a: &ureq::Agent| {
        (
            get(a, &db_url(&sb, "priority", "read", "json", "")).body,
            get(a, &db_url(&sb, "tod_policy", "read", "json", "")).body,
        )
    };
    let before = reads(&a);
    // An existing pair first, then a new one: the batch needs one id, so none of it applies.
    let pairs = r#"[{"agentid":"1234","qid":"1007","level":"9"},{"agentid":"1","qid":"2","level":"3"}]"#;
    let answer = post(&a, &db_url(&sb, "priority", "create", "json", ""), "application/json", pairs);
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        answer.body,
        format!(
            r#"{{"success":false,"error":"The sandbox has run out of assignment ids: this batch needs 1 new id(s) but next_assignment_id is {}; nothing was changed"}}"#,
            u64::MAX
        )
    );
    let policies = r#"[{"description":"A","default":"queue"},{"description":"","default":"queue"}]"#;
    let answer = post(&a, &db_url(&sb, "tod_policy", "create", "json", ""), "application/json", policies);
    assert_eq!(
        answer.json()["error"],
        format!(
            "The sandbox has run out of tod_policy uids: this batch needs 1 new id(s) but next_uid is {}; nothing was changed",
            u64::MAX
        )
    );
    let xml = "<dxi><description>X</description><default>hangup</default></dxi>";
    let answer = post(&a, &db_url(&sb, "tod_policy", "create", "xml", ""), "application/xml", xml);
    assert!(
        answer.body.contains("<success>0</success><error>The sandbox has run out of tod_policy uids"),
        "{}",
        answer.body
    );
    assert_eq!(reads(&a), before);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "nothing was saved");

    // Writes that need no new id still work.
    let existing = r#"[{"agentid":"1234","qid":"1007","level":"9"}]"#;
    let answer = post(&a, &db_url(&sb, "priority", "create", "json", ""), "application/json", existing).json();
    assert_eq!((answer["success"].clone(), answer["total"].clone()), (true.into(), 0.into()), "{answer}");
    let update = r#"[{"agentid":"1234","qid":"1007","level":"9"}]"#;
    let answer = post(&a, &db_url(&sb, "priority", "update", "json", ""), "application/json", update).json();
    assert_eq!(answer["total"], 1, "{answer}");
    sb.stop();
    // The saved file is still valid and the counters are where they were.
    let sb = with_state(&path, Seed::Empty).unwrap();
    let a = agent();
    let read = get(&a, &db_url(&sb, "priority", "read", "json", "&agent=1234&qid=1007")).json();
    assert_eq!(read["list"][0]["level"], "9");
    let saved: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!((saved["next_assignment_id"].as_u64(), saved["next_uid"].as_u64()), (Some(u64::MAX), Some(u64::MAX)));
}

/// Starts the binary and returns it with its base URL (read from its first stdout line).
fn spawn_binary(args: &[&str], state: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_contactnow-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--token", "kill-test"])
        .args(args)
        .arg("--state")
        .arg(state)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_owned();
    assert!(line.starts_with("contactnow-sandbox listening on http://127.0.0.1:"), "{line}");
    (child, url)
}

#[test]
fn binary_survives_sigkill_during_writes() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let mut acked_policies: Vec<(u64, String)> = Vec::new();
    let mut acked_pairs: Vec<(u64, u64)> = Vec::new();
    for round in 0..3u64 {
        let (mut child, url) = spawn_binary(if round == 0 { &["--seed", "demo"] } else { &[] }, &state);
        let stop = Arc::new(AtomicBool::new(false));
        let policies = Arc::new(Mutex::new(Vec::new()));
        let pairs = Arc::new(Mutex::new(Vec::new()));
        let workers: Vec<_> = (0..4u64)
            .map(|t| {
                let (url, stop, policies, pairs) = (url.clone(), stop.clone(), policies.clone(), pairs.clone());
                std::thread::spawn(move || {
                    let a = agent();
                    for i in 0.. {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let description = format!("r{round}t{t}i{i}");
                        let create =
                            format!("{url}/database.php?token=kill-test&method=tod_policy&action=create&raw=1");
                        let body = format!(r#"[{{"description":"{description}","default":"queue"}}]"#);
                        match try_post(&a, &create, "application/json", &body) {
                            Ok(answer) if answer.status == 200 => {
                                let key = answer.json()["key"].as_u64().unwrap();
                                policies.lock().unwrap().push((key, description));
                            }
                            _ => break,
                        }
                        let agent_id = 10_000 + round * 10_000 + t * 1_000 + i;
                        let create = format!("{url}/database.php?token=kill-test&method=priority&action=create&raw=1");
                        let body = format!(r#"[{{"agentid":"{agent_id}","qid":"7","level":"1"}}]"#);
                        match try_post(&a, &create, "application/json", &body) {
                            Ok(answer) if answer.status == 200 && answer.json()["total"] == 1 => {
                                pairs.lock().unwrap().push((agent_id, 7));
                            }
                            _ => break,
                        }
                    }
                })
            })
            .collect();
        // Kill once enough writes were acknowledged, with writes still in flight. Fail (and
        // not hang) if that never happens: the workers stopped early or the binary stalled.
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let acked = policies.lock().unwrap().len();
            if acked >= 40 {
                break;
            }
            let stopped = workers.iter().all(std::thread::JoinHandle::is_finished);
            if stopped || Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                stop.store(true, Ordering::Relaxed);
                panic!(
                    "round {round}: only {acked} of 40 policy creates acknowledged {}",
                    if stopped { "before every worker stopped (a request failed)" } else { "after 60 s" }
                );
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        child.kill().unwrap();
        child.wait().unwrap();
        stop.store(true, Ordering::Relaxed);
        for w in workers {
            w.join().unwrap();
        }
        acked_policies.extend(policies.lock().unwrap().drain(..));
        acked_pairs.extend(pairs.lock().unwrap().drain(..));

        // The file parses as JSON whatever the moment of the kill.
        let text = std::fs::read_to_string(&state).unwrap();
        serde_json::from_str::<serde_json::Value>(&text).unwrap();
        let (mut child, url) = spawn_binary(&[], &state);
        let a = agent();
        let listed = get(&a, &format!("{url}/database.php?token=kill-test&method=tod_policy&action=read")).json();
        // Kept as a list, so that a uid listed twice would show.
        let listed: Vec<(u64, String)> = listed["list"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["uid"].as_str().unwrap().parse().unwrap(), p["description"].as_str().unwrap().to_owned()))
            .collect();
        let uids: HashSet<u64> = listed.iter().map(|(uid, _)| *uid).collect();
        assert_eq!(uids.len(), listed.len(), "a uid is listed twice in round {round}: {listed:?}");
        // uids are never reused after a crash: no two acknowledged creates, in this round or
        // any earlier one, got the same uid.
        let acked_uids: HashSet<u64> = acked_policies.iter().map(|(uid, _)| *uid).collect();
        assert_eq!(acked_uids.len(), acked_policies.len(), "a uid was handed out twice by round {round}");
        let listed: HashMap<u64, String> = listed.into_iter().collect();
        for (uid, description) in &acked_policies {
            assert_eq!(listed.get(uid), Some(description), "acknowledged policy {uid} lost in round {round}");
        }
        let assigned = get(&a, &format!("{url}/database.php?token=kill-test&method=priority&action=read&qid=7")).json();
        let assigned: HashSet<u64> = assigned["list"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["agentid"].as_str().unwrap().parse().unwrap())
            .collect();
        for (agent_id, _) in &acked_pairs {
            assert!(assigned.contains(agent_id), "acknowledged assignment {agent_id} lost in round {round}");
        }
        child.kill().unwrap();
        child.wait().unwrap();
    }
    assert!(acked_policies.len() >= 120);
}

#[cfg(unix)]
#[test]
fn binary_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, url) = spawn_binary(&["--seed", "demo"], &dir.path().join("state.json"));
    let read = get(&agent(), &format!("{url}/database.php?token=kill-test&method=tod_policy&action=read")).json();
    assert_eq!(read["total"], 4);
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
}
