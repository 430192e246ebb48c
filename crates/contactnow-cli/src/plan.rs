//! The declarative sync of `priority apply`: what to create, update and leave alone.

use std::collections::HashMap;

use contactnow::Assignment;

/// The difference between the assignments a file wants and those on the server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Pairs missing on the server.
    pub create: Vec<Assignment>,
    /// Pairs on the server at another level: the wanted assignment and the current level.
    pub update: Vec<(Assignment, u32)>,
    /// Pairs already as wanted.
    pub unchanged: Vec<Assignment>,
    /// Pairs on the server that the file does not list; this API cannot remove them.
    pub not_in_file: Vec<Assignment>,
}

impl Plan {
    /// Compares `desired` (no duplicate pairs) with `current`.
    pub fn new(desired: &[Assignment], current: &[Assignment]) -> Self {
        let now: HashMap<(u64, u64), u32> = current.iter().map(|a| ((a.agent_id, a.queue_id), a.level)).collect();
        let mut plan = Plan::default();
        for want in desired {
            match now.get(&(want.agent_id, want.queue_id)) {
                None => plan.create.push(*want),
                Some(&level) if level == want.level => plan.unchanged.push(*want),
                Some(&level) => plan.update.push((*want, level)),
            }
        }
        let wanted: HashMap<(u64, u64), ()> = desired.iter().map(|a| ((a.agent_id, a.queue_id), ())).collect();
        plan.not_in_file =
            current.iter().filter(|a| !wanted.contains_key(&(a.agent_id, a.queue_id))).copied().collect();
        plan
    }

    /// Whether there is anything to send.
    pub fn is_empty(&self) -> bool {
        self.create.is_empty() && self.update.is_empty()
    }

    /// The assignments to send as updates.
    pub fn updates(&self) -> Vec<Assignment> {
        self.update.iter().map(|(a, _)| *a).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_into_create_update_unchanged_and_extra() {
        let a = Assignment::new;
        let desired = [a(1, 10, 5), a(1, 11, 7), a(2, 10, 0)];
        let current = [a(1, 10, 5), a(1, 11, 3), a(3, 12, 1)];
        let plan = Plan::new(&desired, &current);
        assert_eq!(plan.create, vec![a(2, 10, 0)]);
        assert_eq!(plan.update, vec![(a(1, 11, 7), 3)]);
        assert_eq!(plan.unchanged, vec![a(1, 10, 5)]);
        assert_eq!(plan.not_in_file, vec![a(3, 12, 1)]);
        assert!(!plan.is_empty());
        assert!(Plan::new(&current, &current).is_empty());
    }
}
