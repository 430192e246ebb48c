//! `priority apply`: read the server, plan, send the plan in batches, verify.

use std::collections::HashSet;

use contactnow::{Assignment, Client, Error};

use crate::plan::Plan;

/// What an apply did.
#[derive(Debug, Default)]
pub struct ApplyReport {
    /// The plan that was carried out.
    pub plan: Plan,
    /// Assignments the server reported created.
    pub created: u64,
    /// Assignments the server reported updated.
    pub updated: u64,
    /// HTTP requests the batches sent, repeats included (counted from the `Attempt` events of
    /// a client made by [`crate::run::builder`]; 0 for another client).
    pub requests: usize,
    /// Wanted assignments of the batches sent that are not on the server as wanted after the run.
    pub failed: Vec<Assignment>,
    /// Assignments of the batches never sent, because a transport failure stopped the run.
    pub unsent: Vec<Assignment>,
    /// Errors of the batches that failed, in order.
    pub errors: Vec<String>,
    /// Whether a transport failure or timeout stopped the run early.
    pub stopped: bool,
}

impl ApplyReport {
    /// Whether everything in the plan was applied.
    pub fn is_complete(&self) -> bool {
        self.failed.is_empty() && self.unsent.is_empty() && self.errors.is_empty()
    }
}

/// Reads the current assignments and plans the sync of `desired`.
pub fn plan(client: &Client, desired: &[Assignment]) -> Result<Plan, Error> {
    let current = client.read_assignments(None, None)?.records;
    Ok(Plan::new(desired, &current))
}

/// Carries out `plan` in batches of `batch_size` records, calling `progress(done, total)`
/// after each batch. A transport failure stops the run; an API failure of one batch does
/// not. When any batch failed, the server is read again to name the records that failed.
pub fn apply(
    client: &Client,
    plan: Plan,
    desired: &[Assignment],
    batch_size: usize,
    progress: &mut dyn FnMut(usize, usize),
) -> ApplyReport {
    let updates = plan.updates();
    let total = plan.create.len() + updates.len();
    let mut report = ApplyReport { plan, ..ApplyReport::default() };
    let mut done = 0;
    let batch_size = batch_size.max(1);
    let creates = report.plan.create.clone();
    let mut jobs = creates.chunks(batch_size).map(|c| (true, c)).chain(updates.chunks(batch_size).map(|c| (false, c)));
    let attempts = crate::run::attempts();
    for (create, chunk) in jobs.by_ref() {
        let result = if create { client.create_assignments(chunk) } else { client.update_assignments(chunk) };
        match result {
            Ok(r) if create => report.created += r.total,
            Ok(r) => report.updated += r.total,
            Err(e) => {
                if let Error::Api(api) = &e {
                    let n = api.total.unwrap_or(0);
                    if create {
                        report.created += n;
                    } else {
                        report.updated += n;
                    }
                }
                let stop = matches!(e, Error::Transport { .. } | Error::Timeout { .. });
                report.errors.push(format!("records {}..{}: {e}", done + 1, done + chunk.len()));
                if stop {
                    report.stopped = true;
                    break;
                }
            }
        }
        done += chunk.len();
        progress(done, total);
    }
    report.requests = crate::run::attempts() - attempts;
    report.unsent = jobs.flat_map(|(_, chunk)| chunk.iter().copied()).collect();
    if !report.errors.is_empty() {
        let unsent: HashSet<(u64, u64)> = report.unsent.iter().map(|a| (a.agent_id, a.queue_id)).collect();
        report.failed = match client.read_assignments(None, None) {
            Ok(listing) => {
                let after = Plan::new(desired, &listing.records);
                let wrong = after.create.into_iter().chain(after.update.into_iter().map(|(a, _)| a));
                wrong.filter(|a| !unsent.contains(&(a.agent_id, a.queue_id))).collect()
            }
            Err(e) => {
                report.errors.push(format!("could not read back the result: {e}"));
                Vec::new()
            }
        };
    }
    report
}
