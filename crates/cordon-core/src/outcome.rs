//! What handling one event came to: the decision, why, and every step with its status.
//! This is what replay prints, the function logs, and later the recorded finding carries.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    /// Containment ran and verified.
    Contained,
    /// In scope, but cordon only watches (victim, sample, below floor, exempt, dry-run).
    Observed,
    /// Not cordon's to handle (out of scope, unknown event, refused account).
    Ignored,
    /// Containment was attempted and did not verify, or the event could not be handled.
    Failed,
}

impl Decision {
    /// The decision [`Self::as_str`] named.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Contained, Self::Observed, Self::Ignored, Self::Failed]
            .into_iter()
            .find(|d| d.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Contained => "contained",
            Self::Observed => "observed",
            Self::Ignored => "ignored",
            Self::Failed => "failed",
        }
    }
}

/// What triage made of an event: act, only observe, or ignore, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verdict {
    pub decision: Decision,
    pub reason: String,
}

impl Verdict {
    pub(crate) fn new(decision: Decision, reason: impl Into<String>) -> Self {
        Self {
            decision,
            reason: reason.into(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepStatus {
    /// Dry-run: what would be done.
    Planned,
    /// Changed state as intended.
    Done,
    /// State was already as intended; nothing written.
    AlreadyDone,
    /// Not applicable any more (e.g. the interface was detached since the finding).
    Skipped,
    Failed,
}

impl StepStatus {
    /// The name replay's JSON and the response finding use.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::Done => "done",
            Self::AlreadyDone => "already-done",
            Self::Skipped => "skipped",
            Self::Failed => "failed",
        }
    }

    pub fn is_ok(self) -> bool {
        !matches!(self, Self::Failed)
    }
}

/// Whether retrying a failed step could help.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailureKind {
    /// Throttling, 5xx, timeouts, dropped connections: a retry may succeed.
    Transient,
    /// Access denied, not found, invalid: a retry would fail the same way.
    Permanent,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepReport {
    pub name: String,
    pub target: String,
    pub status: StepStatus,
    pub detail: String,
    /// What the step created (snapshot ids), for the response finding.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    /// For a step failed by an AWS error: whether a retry could help. `None` (a
    /// read-back that disagreed, an unknown cause) is treated as worth retrying.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<FailureKind>,
}

/// Every step that did not hold, as `name target: detail`, for the outcome's reason.
pub fn step_failures(steps: &[StepReport]) -> Vec<String> {
    steps
        .iter()
        .filter(|s| !s.status.is_ok())
        .map(|s| format!("{} {}: {}", s.name, s.target, s.detail))
        .collect()
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    pub decision: Decision,
    pub reason: String,
    pub steps: Vec<StepReport>,
    /// What was written to Security Hub and who was told; absent when nothing was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<crate::recording::RecordReport>,
    /// From the finding (or, in replay, from the start of handling) to verified
    /// containment: isolation and every step after it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_to_containment_ms: Option<u64>,
    /// The blast-radius breaker held containment back for a human to approve.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub held_by_breaker: bool,
    /// GuardDuty does not confirm the finding the event describes: nothing was
    /// touched, and people are told someone may be steering cordon.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub possible_forgery: bool,
}

impl Outcome {
    /// Whether handling changed anything, not counting steps that restate (the
    /// read-back, the incident tags). A re-delivered event changes nothing, so people
    /// are not told twice.
    pub fn changed_anything(&self) -> bool {
        self.steps.iter().any(|s| {
            s.status == StepStatus::Done && !crate::step::RESTATING_STEPS.contains(&s.name.as_str())
        })
    }

    /// A dry-run: what containment would do, nothing done.
    pub fn dry_run(reason: &str, steps: Vec<StepReport>) -> Self {
        Self {
            decision: Decision::Observed,
            reason: format!("dry-run: would contain ({reason})"),
            steps,
            record: None,
            time_to_containment_ms: None,
            held_by_breaker: false,
            possible_forgery: false,
        }
    }

    /// Whether Lambda should retry: a failure, unless every failed step failed with an
    /// error no retry can fix (access denied, not found, invalid). Those are recorded
    /// and people told once, instead of a retry storm ending in the dead-letter queue.
    pub fn needs_retry(&self) -> bool {
        if self.decision != Decision::Failed {
            return false;
        }
        let mut failed = self.steps.iter().filter(|s| !s.status.is_ok()).peekable();
        failed.peek().is_none()
            || failed.any(|s| s.failure != Some(FailureKind::Permanent))
            || self.record.as_ref().is_some_and(|r| !r.failures.is_empty())
    }

    pub fn without_steps(decision: Decision, reason: impl Into<String>) -> Self {
        Self {
            decision,
            reason: reason.into(),
            steps: Vec::new(),
            record: None,
            time_to_containment_ms: None,
            held_by_breaker: false,
            possible_forgery: false,
        }
    }
}
