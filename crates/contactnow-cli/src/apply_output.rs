//! Printing a `priority apply` plan and its outcome as a table (text), JSON or CSV.

use std::{
    collections::HashSet,
    io::{self, Write},
};

use contactnow::Assignment;
use serde::Serialize;

use crate::{
    apply::ApplyReport,
    output::{print_rows, Output, Row},
    plan::Plan,
};

/// One pair of the plan, with what happened to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// `create`, `update`, `unchanged` or `not_in_file`.
    pub action: &'static str,
    /// Agent id.
    pub agent_id: u64,
    /// Queue id.
    pub queue_id: u64,
    /// The level in the file (for `not_in_file`, the server's).
    pub level: u32,
    /// The server's level before the run, when the pair was there.
    pub current_level: Option<u32>,
    /// `planned` (dry run), `applied`, `failed`, `not sent` (a transport failure stopped the
    /// run first), `unknown` (the result could not be read back), `unchanged`, or `not
    /// removable` (this API cannot delete assignments).
    pub result: &'static str,
}

impl Row for Change {
    const HEADERS: &'static [&'static str] = &["action", "agent_id", "queue_id", "level", "current_level", "result"];
    fn cells(&self) -> Vec<String> {
        vec![
            self.action.to_owned(),
            self.agent_id.to_string(),
            self.queue_id.to_string(),
            self.level.to_string(),
            self.current_level.map(|l| l.to_string()).unwrap_or_default(),
            self.result.to_owned(),
        ]
    }
}

/// Counts for the JSON summary.
#[derive(Debug, Serialize)]
struct Summary {
    create: usize,
    update: usize,
    unchanged: usize,
    not_in_file: usize,
    created: u64,
    updated: u64,
    requests: usize,
    failed: usize,
    not_sent: usize,
}

/// The whole JSON document.
#[derive(Debug, Serialize)]
struct Document<'a> {
    dry_run: bool,
    summary: Summary,
    changes: &'a [Change],
    errors: &'a [String],
}

/// Lists every pair of `plan` with its result; `report` is `None` when nothing was sent.
pub fn changes(plan: &Plan, report: Option<&ApplyReport>, dry_run: bool) -> Vec<Change> {
    let pairs = |list: &[Assignment]| list.iter().map(|a| (a.agent_id, a.queue_id)).collect::<HashSet<_>>();
    let failed = report.map(|r| pairs(&r.failed)).unwrap_or_default();
    let unsent = report.map(|r| pairs(&r.unsent)).unwrap_or_default();
    let unverified = report.is_some_and(|r| r.failed.is_empty() && !r.errors.is_empty());
    let sent = |a: &Assignment| match report {
        None if dry_run => "planned",
        _ if failed.contains(&(a.agent_id, a.queue_id)) => "failed",
        _ if unsent.contains(&(a.agent_id, a.queue_id)) => "not sent",
        _ if unverified => "unknown",
        _ => "applied",
    };
    let change = |action, a: &Assignment, current_level, result| Change {
        action,
        agent_id: a.agent_id,
        queue_id: a.queue_id,
        level: a.level,
        current_level,
        result,
    };
    let mut rows = Vec::new();
    rows.extend(plan.create.iter().map(|a| change("create", a, None, sent(a))));
    rows.extend(plan.update.iter().map(|(a, old)| change("update", a, Some(*old), sent(a))));
    rows.extend(plan.unchanged.iter().map(|a| change("unchanged", a, Some(a.level), "unchanged")));
    rows.extend(plan.not_in_file.iter().map(|a| change("not_in_file", a, Some(a.level), "not removable")));
    rows
}

/// Prints the plan and, after a run, its outcome.
pub fn print(
    out: &mut dyn Write,
    output: Output,
    plan: &Plan,
    report: Option<&ApplyReport>,
    dry_run: bool,
) -> io::Result<()> {
    let rows = changes(plan, report, dry_run);
    match output {
        Output::Csv => print_rows(out, output, &rows),
        Output::Json => {
            let summary = Summary {
                create: plan.create.len(),
                update: plan.update.len(),
                unchanged: plan.unchanged.len(),
                not_in_file: plan.not_in_file.len(),
                created: report.map_or(0, |r| r.created),
                updated: report.map_or(0, |r| r.updated),
                requests: report.map_or(0, |r| r.requests),
                failed: report.map_or(0, |r| r.failed.len()),
                not_sent: report.map_or(0, |r| r.unsent.len()),
            };
            let errors = report.map(|r| r.errors.as_slice()).unwrap_or_default();
            let doc = Document { dry_run, summary, changes: &rows, errors };
            serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::other)?;
            writeln!(out)
        }
        Output::Table => print_text(out, plan, report, dry_run),
    }
}

fn print_text(out: &mut dyn Write, plan: &Plan, report: Option<&ApplyReport>, dry_run: bool) -> io::Result<()> {
    print_plan(out, plan)?;
    match report {
        Some(report) => print_outcome(out, report),
        None => writeln!(out, "{}", if dry_run { "dry run: nothing sent" } else { "nothing to do" }),
    }
}

/// Prints the plan as text: counts, then one line per change and per pair not in the file.
pub fn print_plan(out: &mut dyn Write, plan: &Plan) -> io::Result<()> {
    writeln!(
        out,
        "plan: {} to create, {} to update, {} unchanged, {} on the server but not in the file",
        plan.create.len(),
        plan.update.len(),
        plan.unchanged.len(),
        plan.not_in_file.len()
    )?;
    for a in &plan.create {
        writeln!(out, "  + agent {} queue {} level {}", a.agent_id, a.queue_id, a.level)?;
    }
    for (a, old) in &plan.update {
        writeln!(out, "  ~ agent {} queue {} level {old} -> {}", a.agent_id, a.queue_id, a.level)?;
    }
    for a in &plan.not_in_file {
        writeln!(
            out,
            "  ! agent {} queue {} level {} is not in the file (this API cannot remove it)",
            a.agent_id, a.queue_id, a.level
        )?;
    }
    Ok(())
}

/// Prints what a run did, as text: counts, then each record that failed.
pub fn print_outcome(out: &mut dyn Write, report: &ApplyReport) -> io::Result<()> {
    write!(
        out,
        "applied: {} created, {} updated, {} request(s), {} failed",
        report.created,
        report.updated,
        report.requests,
        report.failed.len()
    )?;
    match report.unsent.len() {
        0 => writeln!(out)?,
        n => writeln!(out, ", {n} not sent")?,
    }
    for a in &report.failed {
        writeln!(out, "  failed: agent {} queue {} level {}", a.agent_id, a.queue_id, a.level)?;
    }
    for a in &report.unsent {
        writeln!(out, "  not sent: agent {} queue {} level {}", a.agent_id, a.queue_id, a.level)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        let a = Assignment::new;
        Plan::new(&[a(1, 10, 5), a(1, 11, 7), a(2, 10, 0)], &[a(1, 10, 5), a(1, 11, 3), a(3, 12, 1)])
    }

    fn render(output: Output, report: Option<&ApplyReport>, dry_run: bool) -> String {
        let mut buf = Vec::new();
        print(&mut buf, output, &plan(), report, dry_run).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn csv_lists_every_pair_with_its_result() {
        assert_eq!(
            render(Output::Csv, None, true),
            "action,agent_id,queue_id,level,current_level,result\n\
             create,2,10,0,,planned\nupdate,1,11,7,3,planned\nunchanged,1,10,5,5,unchanged\n\
             not_in_file,3,12,1,1,not removable\n"
        );
        let report = ApplyReport {
            failed: vec![Assignment::new(1, 11, 7)],
            errors: vec!["records 2..2: boom".into()],
            created: 1,
            requests: 2,
            ..ApplyReport::default()
        };
        let text = render(Output::Csv, Some(&report), false);
        assert!(text.contains("create,2,10,0,,applied\nupdate,1,11,7,3,failed\n"), "{text}");
    }

    #[test]
    fn json_has_summary_changes_and_errors() {
        let report = ApplyReport { errors: vec!["lost".into()], requests: 2, ..ApplyReport::default() };
        let doc: serde_json::Value = serde_json::from_str(&render(Output::Json, Some(&report), false)).unwrap();
        assert_eq!(doc["dry_run"], false);
        assert_eq!(doc["summary"]["create"], 1);
        assert_eq!(doc["summary"]["requests"], 2);
        assert_eq!(doc["changes"][0]["result"], "unknown", "errors but no read-back: unknown");
        assert_eq!(doc["changes"][1]["current_level"], 3);
        assert_eq!(doc["errors"][0], "lost");
    }

    #[test]
    fn text_shows_the_plan_then_the_outcome() {
        let text = render(Output::Table, None, true);
        assert!(text.starts_with("plan: 1 to create, 1 to update, 1 unchanged, 1 on the server"), "{text}");
        assert!(text.contains("  ~ agent 1 queue 11 level 3 -> 7\n"), "{text}");
        assert!(text.ends_with("dry run: nothing sent\n"), "{text}");
    }
}
