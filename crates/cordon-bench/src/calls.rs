//! Reading one handled event's AWS calls, as the fault proxy recorded them, into the
//! phases that matter: up to verified network isolation, up to full containment, and
//! the recording after it. The handler reports no time per step, so the phases are
//! found from what each phase calls:
//!
//! - isolation (with the ledger claim and GuardDuty's read-back of the finding before
//!   it, both alongside its first reads) only makes the calls in
//!   [`ISOLATION_ACTIONS`]; every step after it starts at once when it has verified, and
//!   at least one of them (the instance profile, protection, snapshots, Auto Scaling,
//!   target groups) makes a call outside that list. Isolation was verified when its
//!   last call ended: the calls before the first such call, less those that started
//!   after the others had all ended (the steps' own calls in the same list).
//! - recording starts with the first Security Hub or SNS call; full containment was
//!   reached when the last call before it ended.
//!
//! If no call marks a clean boundary, the handler's shape has changed and the lists
//! here need updating, so the bench says so instead of reporting a wrong time.

use cordon_emulators::CallRecord;
use std::time::Instant;

/// Everything the isolation step calls (EC2 security groups, interfaces and tags); the
/// ledger (DynamoDB) and GuardDuty's read-back, in [`BEFORE_ISOLATION_SERVICES`], go
/// with it.
const ISOLATION_ACTIONS: &[&str] = &[
    "ec2:DescribeSecurityGroups",
    "ec2:CreateSecurityGroup",
    "ec2:AuthorizeSecurityGroupIngress",
    "ec2:AuthorizeSecurityGroupEgress",
    "ec2:RevokeSecurityGroupIngress",
    "ec2:RevokeSecurityGroupEgress",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeTags",
    "ec2:CreateTags",
    "ec2:ModifyNetworkInterfaceAttribute",
];

/// Services called before and alongside isolation: the ledger claim and the remembered
/// event (DynamoDB), the finding read back (GuardDuty `GetFindings`).
const BEFORE_ISOLATION_SERVICES: &[&str] = &["dynamodb", "guardduty"];

/// Services whose calls record the incident, after containment.
const RECORDING_SERVICES: &[&str] = &["securityhub", "sns"];

/// `ec2:DescribeTags`, `dynamodb:PutItem`, `securityhub:POST /findings/import`.
pub fn call_name(call: &CallRecord) -> String {
    // JSON protocols name the action `DynamoDB_20120810.PutItem`: the part after the dot.
    let action = match call.action.split_once('.') {
        Some((_, action)) if !call.action.contains(' ') => action,
        _ => &call.action,
    };
    format!("{}:{action}", call.service)
}

/// One handled event's calls, split into its phases.
pub struct Phases<'a> {
    /// Up to and including isolation's read-back (ledger claim included).
    pub isolation: Vec<&'a CallRecord>,
    /// After isolation, up to the end of the last containment step.
    pub containment: Vec<&'a CallRecord>,
    /// Recording and settling the ledger.
    pub rest: Vec<&'a CallRecord>,
    /// When isolation had verified.
    pub isolated_at: Instant,
    /// When every containment step had finished.
    pub contained_at: Instant,
}

impl<'a> Phases<'a> {
    /// `calls` of one handled event; `Ok(None)` when isolation never got past its
    /// read-back (a duplicate, a failed verification, an exempt instance).
    pub fn of(calls: &'a [CallRecord]) -> Result<Option<Self>, String> {
        let mut calls: Vec<&CallRecord> = calls.iter().collect();
        calls.sort_by_key(|c| c.start);
        let isolating = |c: &&CallRecord| {
            BEFORE_ISOLATION_SERVICES.contains(&c.service.as_str())
                || ISOLATION_ACTIONS.contains(&call_name(c).as_str())
        };
        let Some(after) = calls.iter().position(|c| !isolating(c)) else {
            return Ok(None);
        };
        if RECORDING_SERVICES.contains(&calls[after].service.as_str()) {
            return Ok(None);
        }
        let split = boundary(&calls[..after], calls[after], "verified isolation")?;
        let recording = calls[after..]
            .iter()
            .position(|c| RECORDING_SERVICES.contains(&c.service.as_str()))
            .map_or(calls.len(), |i| i + after);
        let isolated_at = latest_end(&calls[..split]);
        let contained_at = if recording == calls.len() {
            latest_end(&calls)
        } else {
            let done = boundary(
                &calls[split..recording],
                calls[recording],
                "full containment",
            )?;
            latest_end(&calls[..split + done])
        };
        Ok(Some(Self {
            isolation: calls[..split].to_vec(),
            containment: calls[split..recording].to_vec(),
            rest: calls[recording..].to_vec(),
            isolated_at,
            contained_at,
        }))
    }
}

fn latest_end(calls: &[&CallRecord]) -> Instant {
    calls
        .iter()
        .map(|c| c.end)
        .max()
        .expect("a phase has calls")
}

/// How many of `before` (sorted by start) belong to the phase that ends before `next`:
/// the most that all ended before the rest, and `next`, started.
fn boundary(before: &[&CallRecord], next: &CallRecord, what: &str) -> Result<usize, String> {
    let mut earliest_start = next.start;
    let mut starts = vec![next.start; before.len() + 1];
    for (k, call) in before.iter().enumerate().rev() {
        earliest_start = earliest_start.min(call.start);
        starts[k] = earliest_start;
    }
    let mut latest_end: Option<Instant> = None;
    let mut split = 0;
    for (k, rest_start) in starts.iter().enumerate() {
        if latest_end.is_some_and(|end| end <= *rest_start) {
            split = k;
        }
        if let Some(call) = before.get(k) {
            latest_end = latest_end.max(Some(call.end));
        }
    }
    if split == 0 {
        return Err(format!(
            "cannot tell when {what} was reached: no call ends a phase before {} \
             (the handler's phases changed: update cordon-bench's calls.rs)",
            call_name(next)
        ));
    }
    Ok(split)
}

/// The sequential round trips of a phase: each call's depth is one more than the
/// deepest call that had ended when it started, and calls of equal depth make one
/// trip. Unlike counting groups of overlapping calls (as
/// `FaultProxy::sequential_round_trips` does), two branches running side by side a
/// little out of step still count once per trip.
pub struct CriticalPath<'a> {
    /// Calls by depth: `trips[0]` needed nothing before them.
    pub trips: Vec<Vec<&'a CallRecord>>,
    /// One chain of calls through every trip, each waiting for the one before.
    pub chain: Vec<&'a CallRecord>,
}

impl<'a> CriticalPath<'a> {
    pub fn of(calls: &[&'a CallRecord]) -> Self {
        let mut calls = calls.to_vec();
        calls.sort_by_key(|c| c.start);
        let mut depth = vec![0usize; calls.len()];
        let mut waited_for: Vec<Option<usize>> = vec![None; calls.len()];
        for i in 0..calls.len() {
            // The latest-ending of the deepest calls done before this one started.
            let before = (0..i)
                .filter(|&j| calls[j].end <= calls[i].start)
                .max_by_key(|&j| (depth[j], calls[j].end));
            depth[i] = before.map_or(1, |j| depth[j] + 1);
            waited_for[i] = before;
        }
        let mut trips: Vec<Vec<&CallRecord>> =
            vec![Vec::new(); depth.iter().max().copied().unwrap_or(0)];
        for (call, d) in calls.iter().zip(&depth) {
            trips[d - 1].push(call);
        }
        let mut chain = Vec::new();
        let mut at = (0..calls.len()).max_by_key(|&i| (depth[i], calls[i].end));
        while let Some(i) = at {
            chain.push(calls[i]);
            at = waited_for[i];
        }
        chain.reverse();
        Self { trips, chain }
    }

    pub fn len(&self) -> usize {
        self.trips.len()
    }

    /// Trip by trip: the chain's call first, then what ran beside it.
    pub fn describe(&self) -> Vec<String> {
        self.trips
            .iter()
            .zip(&self.chain)
            .map(|(trip, on_chain)| {
                let beside: Vec<&CallRecord> = trip
                    .iter()
                    .copied()
                    .filter(|c| !std::ptr::eq(*c, *on_chain))
                    .collect();
                if beside.is_empty() {
                    format!("**{}**", call_name(on_chain))
                } else {
                    format!("**{}**, beside {}", call_name(on_chain), counted(&beside))
                }
            })
            .collect()
    }
}

/// `ec2:CreateTags ×2 + ec2:DescribeTags`, names in first-call order.
fn counted(calls: &[&CallRecord]) -> String {
    let mut names: Vec<(String, usize)> = Vec::new();
    for call in calls {
        let name = call_name(call);
        match names.iter_mut().find(|(n, _)| *n == name) {
            Some((_, count)) => *count += 1,
            None => names.push((name, 1)),
        }
    }
    names
        .iter()
        .map(|(name, count)| match count {
            1 => name.clone(),
            n => format!("{name} ×{n}"),
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn call(name: &str, start_ms: u64, end_ms: u64, base: Instant) -> CallRecord {
        let (service, action) = name.split_once(':').unwrap();
        CallRecord {
            service: service.into(),
            action: action.into(),
            start: base + Duration::from_millis(start_ms),
            end: base + Duration::from_millis(end_ms),
            fault: None,
        }
    }

    #[test]
    fn splits_a_run_at_the_first_step_after_isolation_and_at_recording() {
        let base = Instant::now();
        let calls = vec![
            call("dynamodb:DynamoDB_20120810.PutItem", 0, 25, base),
            call("ec2:DescribeSecurityGroups", 26, 51, base),
            call("ec2:DescribeNetworkInterfaces", 26, 52, base),
            call("ec2:ModifyNetworkInterfaceAttribute", 53, 78, base),
            call("ec2:DescribeNetworkInterfaces", 79, 104, base),
            // A step's own interface read, sent just before the first call isolation
            // never makes.
            call("ec2:DescribeNetworkInterfaces", 105, 131, base),
            call("ec2:DescribeIamInstanceProfileAssociations", 106, 130, base),
            call("ec2:CreateTags", 132, 157, base),
            call("securityhub:POST /findings/import", 158, 183, base),
            call("dynamodb:DynamoDB_20120810.UpdateItem", 184, 209, base),
        ];
        let phases = Phases::of(&calls).unwrap().unwrap();
        assert_eq!(phases.isolated_at, base + Duration::from_millis(104));
        assert_eq!(phases.contained_at, base + Duration::from_millis(157));
        assert_eq!(phases.isolation.len(), 5);
        assert_eq!(CriticalPath::of(&phases.isolation).len(), 4);
        assert_eq!(CriticalPath::of(&phases.containment).len(), 2);
        assert_eq!(phases.rest.len(), 2);
        assert_eq!(
            CriticalPath::of(&phases.isolation).describe()[1],
            "**ec2:DescribeNetworkInterfaces**, beside ec2:DescribeSecurityGroups"
        );
        assert_eq!(call_name(&calls[0]), "dynamodb:PutItem");
        assert_eq!(call_name(&calls[8]), "securityhub:POST /findings/import");
    }

    #[test]
    fn side_by_side_branches_out_of_step_count_once_per_trip() {
        let base = Instant::now();
        let calls = [
            call("ec2:CreateTags", 0, 25, base),
            call("ec2:CreateTags", 1, 26, base),
            call("ec2:ModifyNetworkInterfaceAttribute", 26, 51, base),
            call("ec2:ModifyNetworkInterfaceAttribute", 27, 52, base),
            call("ec2:ModifyNetworkInterfaceAttribute", 52, 77, base),
            call("ec2:ModifyNetworkInterfaceAttribute", 53, 78, base),
        ];
        let refs: Vec<&CallRecord> = calls.iter().collect();
        let path = CriticalPath::of(&refs);
        assert_eq!(path.len(), 3);
        assert_eq!(path.chain.len(), 3);
        assert!(path.trips.iter().all(|t| t.len() == 2));
    }

    #[test]
    fn a_run_that_never_left_isolation_has_no_phases_and_an_overlap_is_an_error() {
        let base = Instant::now();
        let duplicate = vec![call("dynamodb:DynamoDB_20120810.PutItem", 0, 25, base)];
        assert!(Phases::of(&duplicate).unwrap().is_none());
        let overlapping = vec![
            call("ec2:DescribeNetworkInterfaces", 0, 30, base),
            call("ec2:DescribeIamInstanceProfileAssociations", 10, 40, base),
        ];
        let err = Phases::of(&overlapping).err().unwrap();
        assert!(
            err.contains("ec2:DescribeIamInstanceProfileAssociations"),
            "{err}"
        );
    }
}
