//! A seeded randomized fault test: random operations (all six, both formats, random
//! batches) against the in-process sandbox, with random faults injected before them, checked
//! against a model of what the server must hold.
//!
//! After every call: the result or error kind is one the fault allows; `outcome_unknown` is
//! set exactly when the write may have been applied; acknowledged writes are on the server.
//! At the end: the server holds the model, plus exactly the writes of unknown outcome that
//! it applied, and no TOD policy twice.
//!
//! Reproduce or enlarge a run locally:
//! `CONTACTNOW_CHAOS_SEED=42 CONTACTNOW_CHAOS_OPS=20000 cargo test -p contactnow --release --test chaos -- --nocapture`
#![allow(clippy::unwrap_used, missing_docs)]

use std::{
    collections::{BTreeMap, HashMap},
    time::Duration,
};

use contactnow::{
    Assignment, Client, DefaultAction, Error, ErrorKind, Format, NewTodPolicy, RetryPolicy, TodPolicyUpdate,
};
use contactnow_sandbox::{Config, Fault, FaultSpec, Sandbox, Seed};

const USER: &str = "chaos-user";
const PASSWORD: &str = "chaos-PASSWORD-1";
/// Per attempt: a `delay` fault lasts longer than this.
const ATTEMPT: Duration = Duration::from_millis(1000);

/// The faults, with their weights (out of the total), `None` for no fault.
const FAULTS: &[(Option<&str>, u32)] = &[
    (None, 60),
    (Some("500"), 4),
    (Some("502"), 4),
    (Some("503"), 4),
    (Some("504"), 3),
    (Some("429"), 3),
    (Some("429+retry-after"), 1),
    (Some("reset"), 6),
    (Some("truncate"), 5),
    (Some("delay"), 1),
    (Some("api-error"), 4),
    (Some("expired-token"), 5),
];

fn fault(name: &str) -> Fault {
    match name {
        "reset" => Fault::Reset,
        "truncate" => Fault::Truncate,
        "delay" => Fault::Delay { ms: 1500 },
        "api-error" => Fault::ApiError { error: "Simulated failure".into() },
        "expired-token" => Fault::ApiError { error: "Expired token".into() },
        "429+retry-after" => Fault::Status { status: 429, retry_after: Some(0) },
        status => Fault::Status { status: status.parse().unwrap(), retry_after: None },
    }
}

/// What the server must hold, as far as the test knows.
#[derive(Default)]
struct Model {
    assignments: BTreeMap<(u64, u64), u32>,
    /// Acknowledged policies: description -> (uid, default).
    policies: BTreeMap<String, (u64, String)>,
    /// TOD creates whose outcome is unknown: description -> default.
    pending: BTreeMap<String, String>,
    /// TOD creates known not to be applied.
    refused: Vec<String>,
}

struct Run {
    seed: u64,
    rng: fastrand::Rng,
    sandbox: Sandbox,
    clients: [Client; 2],
    model: Model,
    faults: HashMap<&'static str, u32>,
    outcomes: HashMap<String, u32>,
    next_policy: u64,
}

impl Run {
    fn fail(&self, step: usize, what: String) -> ! {
        panic!("chaos seed {} step {step}: {what}", self.seed)
    }

    fn pick_fault(&mut self) -> Option<&'static str> {
        let total: u32 = FAULTS.iter().map(|(_, w)| w).sum();
        let mut roll = self.rng.u32(0..total);
        for (name, weight) in FAULTS {
            if roll < *weight {
                return *name;
            }
            roll -= weight;
        }
        None
    }

    fn outcome(&mut self, name: &str, result: &Result<(), &Error>) {
        let key = match result {
            Ok(()) => format!("{name}: ok"),
            Err(e) => format!("{name}: {}{}", e.kind(), if e.outcome_unknown() { " (outcome unknown)" } else { "" }),
        };
        *self.outcomes.entry(key).or_default() += 1;
    }

    /// One random operation with a random fault; checks what it answered.
    fn step(&mut self, step: usize) {
        let format_index = self.rng.usize(0..2);
        let client = self.clients[format_index].clone();
        let fault_name = self.pick_fault();
        let op = self.rng.u32(0..6);
        let (method, action) = match op {
            0 => ("priority", "create"),
            1 => ("priority", "update"),
            2 => ("priority", "read"),
            3 => ("tod_policy", "create"),
            4 => ("tod_policy", "update"),
            _ => ("tod_policy", "read"),
        };
        // Updates need records to update.
        if (op == 1 && self.model.assignments.is_empty()) || (op == 4 && self.model.policies.is_empty()) {
            return;
        }
        if let Some(name) = fault_name {
            *self.faults.entry(name).or_default() += 1;
            self.sandbox.push_fault(FaultSpec::new(fault(name)).method(method).action(action));
        }
        let fault_name = fault_name.unwrap_or("none");
        let delayed = fault_name == "delay";
        // Every fault but a plain API error lets a repeatable call succeed (one fault, three
        // attempts; an expired token is refreshed once).
        let repeatable_ok = fault_name != "api-error";
        self.call(step, op, &client, fault_name, repeatable_ok, method, action);
        self.settle(delayed);
    }

    #[allow(clippy::too_many_arguments)]
    fn call(
        &mut self,
        step: usize,
        op: u32,
        client: &Client,
        fault_name: &str,
        repeatable_ok: bool,
        method: &str,
        action: &str,
    ) {
        match op {
            0 | 1 => {
                let records: Vec<Assignment> = if op == 0 {
                    let n = self.rng.usize(1..=4);
                    (0..n)
                        .map(|_| {
                            Assignment::new(self.rng.u64(1..=12), self.rng.u64(1000..=1004), self.rng.u32(0..=100))
                        })
                        .collect()
                } else {
                    let keys: Vec<_> = self.model.assignments.keys().copied().collect();
                    let n = self.rng.usize(1..=keys.len().min(3));
                    let mut chosen: Vec<(u64, u64)> = (0..n).map(|_| keys[self.rng.usize(0..keys.len())]).collect();
                    chosen.sort();
                    chosen.dedup();
                    chosen.into_iter().map(|(a, q)| Assignment::new(a, q, self.rng.u32(0..=100))).collect()
                };
                let result =
                    if op == 0 { client.create_assignments(&records) } else { client.update_assignments(&records) };
                self.outcome(&format!("{method}.{action}"), &result.as_ref().map(|_| ()));
                match (&result, repeatable_ok) {
                    (Ok(_), true) => {
                        for r in &records {
                            let level = self.model.assignments.entry((r.agent_id, r.queue_id)).or_insert(r.level);
                            if op == 1 {
                                *level = r.level;
                            }
                        }
                    }
                    (Err(e), false) if e.kind() == ErrorKind::Api && !e.outcome_unknown() => {}
                    (other, _) => self.fail(step, format!("{method}.{action} with {fault_name}: {other:?}")),
                }
            }
            2 => {
                let agent = self.rng.u64(1..=12);
                match client.read_assignments(Some(agent), None) {
                    Ok(listing) if repeatable_ok => {
                        let got: BTreeMap<(u64, u64), u32> =
                            listing.records.iter().map(|a| ((a.agent_id, a.queue_id), a.level)).collect();
                        let want: BTreeMap<(u64, u64), u32> = self
                            .model
                            .assignments
                            .iter()
                            .filter(|((a, _), _)| *a == agent)
                            .map(|(k, v)| (*k, *v))
                            .collect();
                        if got != want {
                            self.fail(step, format!("priority.read {agent}: server {got:?}, model {want:?}"));
                        }
                        self.outcome("priority.read", &Ok(()));
                    }
                    Err(e) if !repeatable_ok && e.kind() == ErrorKind::Api => self.outcome("priority.read", &Err(&e)),
                    other => self.fail(step, format!("priority.read with {fault_name}: {other:?}")),
                }
            }
            3 => self.tod_create(step, client, fault_name),
            4 => {
                let names: Vec<String> = self.model.policies.keys().cloned().collect();
                let name = names[self.rng.usize(0..names.len())].clone();
                let uid = self.model.policies[&name].0;
                let default = self.action();
                let mut update = TodPolicyUpdate::new(uid);
                update.default = Some(default.clone());
                let result = client.update_policies(&[update]);
                self.outcome("tod_policy.update", &result.as_ref().map(|_| ()));
                match (&result, repeatable_ok) {
                    (Ok(_), true) => {
                        if let Some(entry) = self.model.policies.get_mut(&name) {
                            entry.1 = default.to_string();
                        }
                    }
                    (Err(e), false) if e.kind() == ErrorKind::Api && !e.outcome_unknown() => {}
                    (other, _) => self.fail(step, format!("tod_policy.update with {fault_name}: {other:?}")),
                }
            }
            _ => match client.read_policies(None) {
                Ok(listing) if repeatable_ok => {
                    for (name, (uid, default)) in &self.model.policies {
                        let found = listing.records.iter().filter(|p| &p.description == name).count();
                        let same = listing.records.iter().any(|p| p.uid == *uid && &p.default.to_string() == default);
                        if found != 1 || !same {
                            let server: Vec<_> = listing.records.iter().filter(|p| &p.description == name).collect();
                            self.fail(
                                step,
                                format!("acknowledged policy {name} (uid {uid}, {default}): server {server:?}"),
                            );
                        }
                    }
                    self.outcome("tod_policy.read", &Ok(()));
                }
                Err(e) if !repeatable_ok && e.kind() == ErrorKind::Api => self.outcome("tod_policy.read", &Err(&e)),
                other => self.fail(step, format!("tod_policy.read with {fault_name}: {other:?}")),
            },
        }
    }

    /// A request held by a `delay` fault is still applied when it ends, after the client
    /// gave up on it and (for a repeatable write) sent it again: wait for it to land, so a
    /// later write to the same record is not overwritten by it (real servers do the same).
    fn settle(&self, delayed: bool) {
        if delayed {
            std::thread::sleep(Duration::from_millis(900));
        }
    }

    fn action(&mut self) -> DefaultAction {
        match self.rng.u32(0..4) {
            0 => DefaultAction::Queue,
            1 => DefaultAction::Voicemail,
            2 => DefaultAction::Hangup,
            _ => DefaultAction::Jump(self.rng.u64(1000..=1004)),
        }
    }

    /// A TOD policy create: never repeated once it may have been sent.
    fn tod_create(&mut self, step: usize, client: &Client, fault_name: &str) {
        self.next_policy += 1;
        let name = format!("chaos-{}-{}", self.seed, self.next_policy);
        let default = self.action();
        let result = client.create_policies(&[NewTodPolicy::new(name.clone(), default.clone())]);
        self.outcome("tod_policy.create", &result.as_ref().map(|_| ()));
        // What each fault allows: (kind, outcome_unknown); None: success.
        let allowed: &[Option<(ErrorKind, bool)>] = match fault_name {
            "none" | "expired-token" => &[None, Some((ErrorKind::Timeout, true))],
            "503" | "429" | "429+retry-after" => &[Some((ErrorKind::HttpStatus, false))],
            "500" | "502" | "504" => &[Some((ErrorKind::HttpStatus, true))],
            "reset" => &[Some((ErrorKind::Transport, true))],
            "truncate" => &[Some((ErrorKind::Transport, true)), Some((ErrorKind::Decode, true))],
            "delay" => &[Some((ErrorKind::Timeout, true))],
            _ => &[Some((ErrorKind::Api, false))],
        };
        let got = result.as_ref().err().map(|e| (e.kind(), e.outcome_unknown()));
        if !allowed.contains(&got) {
            self.fail(step, format!("tod_policy.create with {fault_name}: {result:?} not in {allowed:?}"));
        }
        match result {
            Ok(written) => {
                let uid = written.key.unwrap_or_else(|| self.fail(step, "a created policy has no key".into()));
                self.model.policies.insert(name, (uid, default.to_string()));
            }
            Err(e) if e.outcome_unknown() => {
                self.model.pending.insert(name, default.to_string());
            }
            Err(_) => self.model.refused.push(name),
        }
    }
}

#[test]
fn random_operations_under_random_faults_keep_the_model() {
    let seed: u64 = std::env::var("CONTACTNOW_CHAOS_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(20261201);
    let ops: usize = std::env::var("CONTACTNOW_CHAOS_OPS").ok().and_then(|s| s.parse().ok()).unwrap_or(1500);
    let sandbox = Sandbox::start(Config {
        seed: Seed::Empty,
        users: vec![(USER.to_owned(), PASSWORD.to_owned())],
        ..Config::default()
    })
    .unwrap();
    let client = |format| {
        Client::builder()
            .base_url(&sandbox.base_url())
            .credentials(USER, PASSWORD)
            .format(format)
            .connect_timeout(Duration::from_secs(2))
            .timeout(ATTEMPT)
            .total_timeout(Duration::from_secs(20))
            .retry(RetryPolicy {
                max_attempts: 3,
                initial_backoff: Duration::from_millis(2),
                max_backoff: Duration::from_millis(20),
            })
            .build()
            .unwrap()
    };
    let clients = [client(Format::Json), client(Format::Xml)];
    let mut run = Run {
        seed,
        rng: fastrand::Rng::with_seed(seed),
        sandbox,
        clients,
        model: Model::default(),
        faults: HashMap::new(),
        outcomes: HashMap::new(),
        next_policy: 0,
    };
    for step in 0..ops {
        run.step(step);
    }

    // The final state: every assignment of the model and nothing else.
    let reader = run.clients[0].clone();
    let server: BTreeMap<(u64, u64), u32> = reader
        .read_assignments(None, None)
        .unwrap()
        .records
        .iter()
        .map(|a| ((a.agent_id, a.queue_id), a.level))
        .collect();
    assert_eq!(server, run.model.assignments, "chaos seed {seed}: assignments differ from the model");
    // Policies: acknowledged ones once, unknown ones at most once, refused ones never.
    let policies = reader.read_policies(None).unwrap().records;
    let count = |name: &str| policies.iter().filter(|p| p.description == name).count();
    let mut applied_unknown = 0;
    for name in run.model.policies.keys() {
        assert_eq!(count(name), 1, "chaos seed {seed}: acknowledged {name}");
    }
    for name in run.model.pending.keys() {
        let n = count(name);
        assert!(n <= 1, "chaos seed {seed}: {name} (outcome unknown) applied {n} times");
        applied_unknown += n;
    }
    for name in &run.model.refused {
        assert_eq!(count(name), 0, "chaos seed {seed}: {name} was refused but is on the server");
    }
    let expected = run.model.policies.len() + applied_unknown;
    assert_eq!(policies.len(), expected, "chaos seed {seed}: policies on the server");

    let mut faults: Vec<_> = run.faults.iter().collect();
    faults.sort();
    let mut outcomes: Vec<_> = run.outcomes.iter().collect();
    outcomes.sort();
    println!("chaos seed {seed}: {ops} operations; faults {faults:?}");
    println!("outcomes {outcomes:?}");
    println!(
        "final: {} assignments, {} policies acknowledged, {} of unknown outcome ({applied_unknown} applied), {} refused",
        run.model.assignments.len(),
        run.model.policies.len(),
        run.model.pending.len(),
        run.model.refused.len()
    );
}
