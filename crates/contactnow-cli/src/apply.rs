//! `priority apply`: read the server, plan, send the plan in batches, verify.

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
    /// Requests sent.
    pub requests: usize,
    /// Wanted assignments that are not on the server as wanted after the run.
    pub failed: Vec<Assignment>,
    /// Errors of the batches that failed, in order.
    pub errors: Vec<String>,
    /// Whether a transport failure or timeout stopped the run early.
    pub stopped: bool,
}

impl ApplyReport {
    /// Whether everything in the plan was applied.
    pub fn is_complete(&self) -> bool {
        self.failed.is_empty() && self.errors.is_empty()
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
    let jobs = creates.chunks(batch_size).map(|c| (true, c)).chain(updates.chunks(batch_size).map(|c| (false, c)));
    for (create, chunk) in jobs {
        report.requests += 1;
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
    if !report.errors.is_empty() {
        report.failed = match client.read_assignments(None, None) {
            Ok(listing) => {
                let after = Plan::new(desired, &listing.records);
                after.create.into_iter().chain(after.update.into_iter().map(|(a, _)| a)).collect()
            }
            Err(e) => {
                report.errors.push(format!("could not read back the result: {e}"));
                Vec::new()
            }
        };
    }
    report
}
