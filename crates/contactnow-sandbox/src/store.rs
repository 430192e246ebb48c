//! The emulated account's data, the rules for changing it, and its state file.

use std::{
    collections::{BTreeMap, BTreeSet},
    io::Write,
    path::{Path, PathBuf},
};

use contactnow_core::DefaultAction;
use serde::{Deserialize, Serialize};

use crate::{
    payload::{RawRecord, Value},
    Error, Seed,
};

/// First assignment id handed out (the priority document's example key).
const FIRST_ASSIGNMENT_ID: u64 = 550_423;
/// First policy uid handed out: above the demo seed's highest uid (2178).
const FIRST_UID: u64 = 2179;
/// Longest accepted description, in characters.
const MAX_DESCRIPTION: usize = 255;

/// An assignment as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slot {
    pub(crate) id: u64,
    pub(crate) level: u32,
}

/// A policy as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Policy {
    pub(crate) description: String,
    pub(crate) default: String,
}

/// The account's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Data {
    pub(crate) assignments: BTreeMap<(u64, u64), Slot>,
    pub(crate) policies: BTreeMap<u64, Policy>,
    pub(crate) next_assignment_id: u64,
    pub(crate) next_uid: u64,
}

/// The outcome of a write batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Outcome {
    /// Records created or changed.
    pub(crate) total: u64,
    /// Records rejected.
    pub(crate) bad: u64,
    /// Valid records that changed nothing (an existing pair on priority create).
    pub(crate) unchanged: u64,
    /// The id of the last record created (0 if none); `None` for tod_policy updates.
    pub(crate) key: Option<u64>,
    /// Why each bad record failed, as "record N: reason".
    pub(crate) errors: Vec<String>,
}

impl Data {
    pub(crate) fn seeded(seed: Seed) -> Data {
        let mut data = Data {
            assignments: BTreeMap::new(),
            policies: BTreeMap::new(),
            next_assignment_id: FIRST_ASSIGNMENT_ID,
            next_uid: FIRST_UID,
        };
        if seed == Seed::Demo {
            // 6 agents, 4 queues; includes the documents' 1234/1007 level 0 and 1234/1234 level 100.
            let assignments: [(u64, u64, u32); 12] = [
                (1234, 1007, 0),
                (1234, 1234, 100),
                (1235, 1007, 50),
                (1235, 1300, 100),
                (1236, 1007, 10),
                (1236, 1234, 20),
                (1240, 1300, 100),
                (1240, 1301, 90),
                (1241, 1301, 100),
                (1241, 1007, 5),
                (1250, 1234, 70),
                (1250, 1301, 30),
            ];
            for (i, (agent, qid, level)) in (0u64..).zip(assignments) {
                data.assignments.insert((agent, qid), Slot { id: 550_400 + i, level });
            }
            for (uid, description, default) in [
                (2164, "MyTOD", "queue"),
                (2170, "Lunch", "voicemail"),
                (2175, "Overflow", "jump:1300"),
                (2178, "OutOfHours", "hangup"),
            ] {
                data.policies.insert(uid, Policy { description: description.to_owned(), default: default.to_owned() });
            }
        }
        data
    }

    pub(crate) fn read_assignments(&self, agent: Option<u64>, qid: Option<u64>) -> Vec<(u64, u64, u32)> {
        self.assignments
            .iter()
            .filter(|((a, q), _)| agent.is_none_or(|x| x == *a) && qid.is_none_or(|x| x == *q))
            .map(|((a, q), slot)| (*a, *q, slot.level))
            .collect()
    }

    pub(crate) fn read_policies(&self, policy: Option<u64>) -> Vec<(u64, Policy)> {
        self.policies
            .iter()
            .filter(|(uid, _)| policy.is_none_or(|p| p == **uid))
            .map(|(uid, p)| (*uid, p.clone()))
            .collect()
    }

    /// Priority create: new pairs are added; an existing pair is left as it is (not counted).
    ///
    /// `Err` (and nothing changed) when the assignment ids would run out: every record is
    /// checked and the ids the batch needs are counted before anything is applied.
    pub(crate) fn create_assignments(&mut self, records: &[RawRecord]) -> Result<Outcome, String> {
        let checked: Vec<_> = records.iter().map(assignment_fields).collect();
        // The pairs this batch adds; a pair given twice is added by its first record.
        let new_pairs: BTreeSet<(u64, u64)> = checked
            .iter()
            .flatten()
            .map(|&(agent, qid, _)| (agent, qid))
            .filter(|pair| !self.assignments.contains_key(pair))
            .collect();
        reserve_ids(self.next_assignment_id, new_pairs.len(), "assignment ids", "next_assignment_id")?;
        let mut outcome = Outcome::new(Some(0));
        for (n, fields) in checked.into_iter().enumerate() {
            match fields {
                Ok((agent, qid, level)) => {
                    if let std::collections::btree_map::Entry::Vacant(slot) = self.assignments.entry((agent, qid)) {
                        let id = self.next_assignment_id;
                        // Cannot overflow: `reserve_ids` found room for every new pair.
                        self.next_assignment_id = id.saturating_add(1);
                        slot.insert(Slot { id, level });
                        outcome.total += 1;
                        outcome.key = Some(id);
                    } else {
                        outcome.unchanged += 1;
                    }
                }
                Err(why) => outcome.fail(n, why),
            }
        }
        Ok(outcome)
    }

    /// Priority update: changes the level of existing pairs; an unknown pair is bad.
    pub(crate) fn update_assignments(&mut self, records: &[RawRecord]) -> Outcome {
        let mut outcome = Outcome::new(Some(0));
        for (n, record) in records.iter().enumerate() {
            match assignment_fields(record) {
                Ok((agent, qid, level)) => match self.assignments.get_mut(&(agent, qid)) {
                    Some(slot) => {
                        slot.level = level;
                        outcome.total += 1;
                    }
                    None => outcome.fail(n, format!("agent {agent} is not assigned to queue {qid}")),
                },
                Err(why) => outcome.fail(n, why),
            }
        }
        outcome
    }

    /// TOD create: always adds, even an identical policy.
    ///
    /// `Err` (and nothing changed) when the uids would run out: every record is checked and
    /// the uids the batch needs are counted before anything is applied.
    pub(crate) fn create_policies(&mut self, records: &[RawRecord]) -> Result<Outcome, String> {
        let checked: Vec<Result<(String, String), String>> = records
            .iter()
            .map(|record| {
                let description = required_text(record, "description")?;
                check_description(&description)?;
                let default = check_default(&required_text(record, "default")?)?;
                Ok((description, default))
            })
            .collect();
        reserve_ids(self.next_uid, checked.iter().filter(|c| c.is_ok()).count(), "tod_policy uids", "next_uid")?;
        let mut outcome = Outcome::new(Some(0));
        for (n, fields) in checked.into_iter().enumerate() {
            match fields {
                Ok((description, default)) => {
                    let uid = self.next_uid;
                    // Cannot overflow: `reserve_ids` found room for every valid record.
                    self.next_uid = uid.saturating_add(1);
                    self.policies.insert(uid, Policy { description, default });
                    outcome.total += 1;
                    outcome.key = Some(uid);
                }
                Err(why) => outcome.fail(n, why),
            }
        }
        Ok(outcome)
    }

    /// TOD update: `uid` (or `policy`) names an existing policy; description and/or default change.
    pub(crate) fn update_policies(&mut self, records: &[RawRecord]) -> Outcome {
        let mut outcome = Outcome::new(None);
        for (n, record) in records.iter().enumerate() {
            match self.update_policy(record) {
                Ok(()) => outcome.total += 1,
                Err(why) => outcome.fail(n, why),
            }
        }
        outcome
    }

    fn update_policy(&mut self, record: &RawRecord) -> Result<(), String> {
        let uid = match (record.get("uid"), record.get("policy")) {
            (Some(v), _) => id_value("uid", v)?,
            (None, Some(v)) => id_value("policy", v)?,
            (None, None) => return Err("uid is required".into()),
        };
        let description = optional_text(record, "description")?;
        if let Some(d) = &description {
            check_description(d)?;
        }
        let default = optional_text(record, "default")?.map(|d| check_default(&d)).transpose()?;
        if description.is_none() && default.is_none() {
            return Err("nothing to update: give description and/or default".into());
        }
        let policy = self.policies.get_mut(&uid).ok_or_else(|| format!("policy {uid} does not exist"))?;
        if let Some(d) = description {
            policy.description = d;
        }
        if let Some(d) = default {
            policy.default = d;
        }
        Ok(())
    }
}

impl Outcome {
    fn new(key: Option<u64>) -> Self {
        Self { total: 0, bad: 0, unchanged: 0, key, errors: Vec::new() }
    }

    /// A batch succeeds unless every record in it was bad.
    pub(crate) fn succeeded(&self) -> bool {
        self.bad == 0 || self.total + self.unchanged > 0
    }

    fn fail(&mut self, index: usize, why: String) {
        self.bad += 1;
        self.errors.push(format!("record {}: {why}", index + 1));
    }
}

/// Checks that `count` ids can be handed out from `next` on, leaving the counter (`field`
/// in the state file) representable: ids are `next..next + count` and the counter becomes
/// `next + count`, which must not pass `u64::MAX`.
fn reserve_ids(next: u64, count: usize, what: &str, field: &str) -> Result<(), String> {
    let fits = u64::try_from(count).ok().and_then(|count| next.checked_add(count)).is_some();
    if fits {
        Ok(())
    } else {
        Err(format!(
            "The sandbox has run out of {what}: this batch needs {count} new id(s) but {field} is {next}; \
             nothing was changed"
        ))
    }
}

fn assignment_fields(record: &RawRecord) -> Result<(u64, u64, u32), String> {
    let agent = id_value("agentid", record.get("agentid").ok_or("agentid is required")?)?;
    let qid = id_value("qid", record.get("qid").ok_or("qid is required")?)?;
    let level = number_value("level", record.get("level").ok_or("level is required")?)?;
    let level = u32::try_from(level).map_err(|_| format!("level must be at most {}", u32::MAX))?;
    Ok((agent, qid, level))
}

/// A non-negative integer given as a JSON number or a string of digits.
pub(crate) fn number_value(field: &str, value: &Value) -> Result<u64, String> {
    let parsed = match value {
        Value::Number(n) => n.as_u64(),
        Value::Text(s) => {
            let s = s.trim();
            if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
                s.parse::<u64>().ok()
            } else {
                None
            }
        }
        Value::Invalid(what) => return Err(format!("{field} must be a number, got {what}")),
    };
    parsed.ok_or_else(|| format!("{field} must be a non-negative whole number, got {}", show(value)))
}

fn id_value(field: &str, value: &Value) -> Result<u64, String> {
    match number_value(field, value)? {
        0 => Err(format!("{field} must be a positive id, got 0")),
        id => Ok(id),
    }
}

fn show(value: &Value) -> String {
    match value {
        Value::Text(s) => format!("{s:?}"),
        Value::Number(n) => n.to_string(),
        Value::Invalid(what) => (*what).to_owned(),
    }
}

fn optional_text(record: &RawRecord, field: &str) -> Result<Option<String>, String> {
    match record.get(field) {
        None => Ok(None),
        Some(Value::Text(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(Value::Invalid(what)) => Err(format!("{field} must be text, got {what}")),
    }
}

fn required_text(record: &RawRecord, field: &str) -> Result<String, String> {
    optional_text(record, field)?.ok_or_else(|| format!("{field} is required"))
}

fn check_description(text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err("description must not be empty".into());
    }
    if text.chars().count() > MAX_DESCRIPTION {
        return Err(format!("description must be at most {MAX_DESCRIPTION} characters"));
    }
    if let Some(c) = text.chars().find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
        return Err(format!("description contains the control character U+{:04X}", u32::from(c)));
    }
    Ok(())
}

/// Accepts the four documented forms and returns the canonical text.
fn check_default(text: &str) -> Result<String, String> {
    text.parse::<DefaultAction>()
        .map(|action| action.to_string())
        .map_err(|_| format!("default must be queue, voicemail, hangup or jump:<queue id>, got {text:?}"))
}

// ---------------------------------------------------------------------------------------
// State file

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileState {
    format: String,
    next_assignment_id: u64,
    next_uid: u64,
    assignments: Vec<FileAssignment>,
    policies: Vec<FilePolicy>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileAssignment {
    id: u64,
    agentid: u64,
    qid: u64,
    level: u32,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FilePolicy {
    uid: u64,
    description: String,
    default: String,
}

const FILE_FORMAT: &str = "contactnow-sandbox-state/1";

impl Data {
    fn to_file(&self) -> FileState {
        FileState {
            format: FILE_FORMAT.to_owned(),
            next_assignment_id: self.next_assignment_id,
            next_uid: self.next_uid,
            assignments: self
                .assignments
                .iter()
                .map(|((agentid, qid), slot)| FileAssignment {
                    id: slot.id,
                    agentid: *agentid,
                    qid: *qid,
                    level: slot.level,
                })
                .collect(),
            policies: self
                .policies
                .iter()
                .map(|(uid, p)| FilePolicy {
                    uid: *uid,
                    description: p.description.clone(),
                    default: p.default.clone(),
                })
                .collect(),
        }
    }

    fn from_file(file: FileState) -> Result<Data, String> {
        if file.format != FILE_FORMAT {
            return Err(format!("unknown format {:?}, expected {FILE_FORMAT:?}", file.format));
        }
        let mut data = Data {
            assignments: BTreeMap::new(),
            policies: BTreeMap::new(),
            next_assignment_id: file.next_assignment_id,
            next_uid: file.next_uid,
        };
        for a in file.assignments {
            if a.agentid == 0 || a.qid == 0 {
                return Err(format!("assignment {} has a zero id", a.id));
            }
            if a.id >= data.next_assignment_id {
                return Err(format!("assignment id {} is not below next_assignment_id", a.id));
            }
            if data.assignments.insert((a.agentid, a.qid), Slot { id: a.id, level: a.level }).is_some() {
                return Err(format!("assignment {}/{} appears twice", a.agentid, a.qid));
            }
        }
        for p in file.policies {
            if p.uid == 0 || p.uid >= data.next_uid {
                return Err(format!("policy uid {} is zero or not below next_uid", p.uid));
            }
            check_description(&p.description).map_err(|e| format!("policy {}: {e}", p.uid))?;
            check_default(&p.default).map_err(|e| format!("policy {}: {e}", p.uid))?;
            if data.policies.insert(p.uid, Policy { description: p.description, default: p.default }).is_some() {
                return Err(format!("policy {} appears twice", p.uid));
            }
        }
        Ok(data)
    }
}

/// The data plus where it is saved.
#[derive(Debug)]
pub(crate) struct Store {
    pub(crate) data: Data,
    pub(crate) seed: Seed,
    path: Option<PathBuf>,
}

impl Store {
    /// Loads the state file if it exists (refusing a corrupt one), else seeds and saves.
    pub(crate) fn open(seed: Seed, path: Option<PathBuf>) -> Result<Store, Error> {
        let Some(path) = path else {
            return Ok(Store { data: Data::seeded(seed), seed, path: None });
        };
        match std::fs::read(&path) {
            Ok(bytes) => {
                let file: FileState = serde_json::from_slice(&bytes)
                    .map_err(|e| Error::CorruptState { path: path.clone(), reason: e.to_string() })?;
                let data =
                    Data::from_file(file).map_err(|reason| Error::CorruptState { path: path.clone(), reason })?;
                Ok(Store { data, seed, path: Some(path) })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let store = Store { data: Data::seeded(seed), seed, path: Some(path) };
                store.save().map_err(|source| Error::StateWrite { path: store.path_buf(), source })?;
                Ok(store)
            }
            Err(e) => Err(Error::CorruptState { path, reason: e.to_string() }),
        }
    }

    fn path_buf(&self) -> PathBuf {
        self.path.clone().unwrap_or_default()
    }

    /// Whether writes are persisted.
    pub(crate) fn persistent(&self) -> bool {
        self.path.is_some()
    }

    /// Writes the state atomically: temporary file in the same directory, fsync, rename,
    /// fsync of the directory.
    pub(crate) fn save(&self) -> std::io::Result<()> {
        let Some(path) = &self.path else { return Ok(()) };
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let bytes = serde_json::to_vec_pretty(&self.data.to_file()).map_err(std::io::Error::other)?;
        let mut tmp = tempfile::Builder::new().prefix(".contactnow-sandbox-").suffix(".tmp").tempfile_in(&dir)?;
        tmp.write_all(&bytes)?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| e.error)?;
        sync_dir(&dir);
        Ok(())
    }

    /// Applies `change`; if saving fails, restores the previous data and returns the error.
    pub(crate) fn write<T>(&mut self, change: impl FnOnce(&mut Data) -> T) -> std::io::Result<T> {
        if !self.persistent() {
            return Ok(change(&mut self.data));
        }
        let before = self.data.clone();
        let result = change(&mut self.data);
        if self.data != before {
            if let Err(e) = self.save() {
                self.data = before;
                return Err(e);
            }
        }
        Ok(result)
    }
}

fn sync_dir(dir: &Path) {
    // Makes the rename durable where the platform allows opening directories.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(fields: &[(&str, &str)]) -> RawRecord {
        fields.iter().map(|(k, v)| ((*k).to_owned(), Value::Text((*v).to_owned()))).collect()
    }

    #[test]
    fn priority_create_counts_only_new_pairs() {
        let mut data = Data::seeded(Seed::Demo);
        let out = data.create_assignments(&[rec(&[("agentid", "1234"), ("qid", "1007"), ("level", "5")])]).unwrap();
        assert_eq!((out.total, out.bad, out.key), (0, 0, Some(0)));
        assert_eq!(data.read_assignments(Some(1234), Some(1007)), vec![(1234, 1007, 0)]);
        let out = data
            .create_assignments(&[
                rec(&[("agentid", "1"), ("qid", "2"), ("level", "3")]),
                rec(&[("agentid", "1"), ("qid", "x"), ("level", "3")]),
                rec(&[("agentid", "1"), ("qid", "2"), ("level", "9")]),
            ])
            .unwrap();
        assert_eq!((out.total, out.bad, out.key), (1, 1, Some(FIRST_ASSIGNMENT_ID)));
        assert!(out.errors[0].starts_with("record 2: qid"), "{:?}", out.errors);
    }

    #[test]
    fn tod_rules() {
        let mut data = Data::seeded(Seed::Demo);
        let out = data
            .create_policies(&[
                rec(&[("description", "OutOfHours"), ("default", "hangup")]),
                rec(&[("description", "OutOfHours"), ("default", "hangup")]),
                rec(&[("description", " "), ("default", "hangup")]),
                rec(&[("description", "J"), ("default", "jump:0")]),
            ])
            .unwrap();
        assert_eq!((out.total, out.bad, out.key), (2, 2, Some(FIRST_UID + 1)));
        let out = data.update_policies(&[rec(&[("uid", "2178"), ("default", "jump:1007")]), rec(&[("uid", "9")])]);
        assert_eq!((out.total, out.bad, out.key), (1, 1, None));
        assert_eq!(data.policies[&2178].default, "jump:1007");
    }

    #[test]
    fn exhausted_ids_refuse_the_whole_batch_and_change_nothing() {
        let pair = |agent: &str, level: &str| rec(&[("agentid", agent), ("qid", "7"), ("level", level)]);
        let policy = |description: &str| rec(&[("description", description), ("default", "queue")]);
        let existing = rec(&[("agentid", "1234"), ("qid", "1007"), ("level", "5")]);

        // One id left: a batch needing one fits, and leaves the counter at u64::MAX.
        let mut data = Data::seeded(Seed::Demo);
        data.next_assignment_id = u64::MAX - 1;
        data.next_uid = u64::MAX - 1;
        let out = data.create_assignments(&[pair("1", "1"), pair("1", "2"), existing.clone()]).unwrap();
        assert_eq!((out.total, out.unchanged, out.key), (1, 2, Some(u64::MAX - 1)));
        let out = data.create_policies(&[policy("Last"), policy(" ")]).unwrap();
        assert_eq!((out.total, out.bad, out.key), (1, 1, Some(u64::MAX - 1)));
        assert_eq!((data.next_assignment_id, data.next_uid), (u64::MAX, u64::MAX));

        // None left: a batch needing any is refused before any record is applied.
        let before = data.clone();
        let why = data.create_assignments(&[pair("2", "1"), pair("3", "1")]).unwrap_err();
        assert_eq!(
            why,
            "The sandbox has run out of assignment ids: this batch needs 2 new id(s) but next_assignment_id \
             is 18446744073709551615; nothing was changed"
        );
        let why = data.create_policies(&[policy("A"), policy("B")]).unwrap_err();
        assert_eq!(
            why,
            "The sandbox has run out of tod_policy uids: this batch needs 2 new id(s) but next_uid \
             is 18446744073709551615; nothing was changed"
        );
        assert_eq!(data, before);
        // Batches needing no new id still work: existing pairs, bad records, updates.
        let out = data.create_assignments(&[pair("1", "5"), existing, pair("x", "1")]).unwrap();
        assert_eq!((out.total, out.bad, out.unchanged), (0, 1, 2));
        let out = data.create_policies(&[policy("")]).unwrap();
        assert_eq!((out.total, out.bad), (0, 1));
        assert_eq!(data.update_assignments(&[pair("1", "9")]).total, 1);
        assert_eq!(data, Data { assignments: data.assignments.clone(), ..before });
    }

    #[test]
    fn file_round_trip() {
        let data = Data::seeded(Seed::Demo);
        let text = serde_json::to_string(&data.to_file()).unwrap();
        let back = Data::from_file(serde_json::from_str(&text).unwrap()).unwrap();
        assert_eq!(back, data);
    }
}
