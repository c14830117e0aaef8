//! The credentials one finding names, each judged and planned on its own. An IAM
//! finding names one (`resource.accessKeyDetails`); an attack sequence names the
//! credential behind each of its actors too, and each distinct credential goes through
//! the playbook once.

use super::triage::{judge, screen_credentials};
use super::{CredentialIncident, CredentialSettings, plan};
use crate::{Decision, Plan, Verdict};
use cordon_events::GuardDutyFinding;
use serde::Serialize;

/// More credentials than this in one sequence is a blast radius for people to weigh:
/// each is only observed.
pub const MAX_SEQUENCE_CREDENTIALS: usize = 5;

/// One credential of a finding, with its verdict and, when contained, its plan.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct JudgedCredential {
    pub incident: CredentialIncident,
    pub verdict: Verdict,
    pub plan: Option<Plan>,
}

/// One signal of an attack sequence, as the record lists it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignalSummary {
    pub name: String,
    pub signal_type: String,
    pub count: Option<u64>,
}

/// A finding's credentials (never empty), and for an attack sequence its signals.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CredentialCase {
    pub credentials: Vec<JudgedCredential>,
    pub signals: Vec<SignalSummary>,
}

impl CredentialCase {
    /// Judges every credential the finding names. `Err`: it names none (ignored).
    pub fn triage(
        finding: &GuardDutyFinding,
        policy: &crate::guardduty::TriagePolicy,
        break_glass: &[String],
        settings: &CredentialSettings,
    ) -> Result<Self, Verdict> {
        let named = named_credentials(finding);
        if named.is_empty() {
            let reason = match finding.sequence() {
                Some(_) => "the attack sequence names no credential".to_owned(),
                None => format!(
                    "resource type {} is not an access key",
                    finding.resource.resource_type
                ),
            };
            return Err(Verdict::new(Decision::Ignored, reason));
        }
        let screened = screen_credentials(finding, policy).or_else(|| {
            (named.len() > MAX_SEQUENCE_CREDENTIALS).then(|| {
                Verdict::new(
                    Decision::Observed,
                    format!(
                        "the attack sequence names {} credentials, more than cordon contains \
                         at once ({MAX_SEQUENCE_CREDENTIALS}): people decide",
                        named.len()
                    ),
                )
            })
        });
        let credentials = named
            .into_iter()
            .map(|incident| {
                let verdict = screened
                    .clone()
                    .unwrap_or_else(|| judge(finding, &incident, policy, break_glass));
                let plan = match verdict.decision {
                    Decision::Contained => plan(&incident, settings),
                    _ => None,
                };
                JudgedCredential {
                    incident,
                    verdict,
                    plan,
                }
            })
            .collect();
        Ok(Self {
            credentials,
            signals: signals(finding),
        })
    }

    /// The first credential: the finding's own `accessKeyDetails` when it has one.
    pub fn first(&self) -> &CredentialIncident {
        &self.credentials[0].incident
    }

    pub fn is_sequence(&self) -> bool {
        !self.signals.is_empty()
    }

    /// Contained if any credential is, else observed if any is.
    pub fn decision(&self) -> Decision {
        let decisions = || self.credentials.iter().map(|c| c.verdict.decision);
        [Decision::Contained, Decision::Observed]
            .into_iter()
            .find(|d| decisions().any(|c| c == *d))
            .unwrap_or(Decision::Ignored)
    }

    /// One credential's reason as it is; several, each named.
    pub fn reason(&self) -> String {
        match self.credentials.as_slice() {
            [one] => one.verdict.reason.clone(),
            many => format!(
                "{} names {} credentials: {}",
                self.first().finding_type,
                many.len(),
                many.iter()
                    .map(|c| format!("{} — {}", c.incident.describe(), c.verdict.reason))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        }
    }

    /// Every credential's steps in order; `None` when nothing is to be contained.
    pub fn plan(&self) -> Option<Plan> {
        let steps: Vec<_> = self
            .credentials
            .iter()
            .filter_map(|c| c.plan.as_ref())
            .flat_map(|p| p.steps.iter().cloned())
            .collect();
        (!steps.is_empty()).then_some(Plan { steps })
    }

    /// The credentials, for keys and logs: key ids, or the description of a credential
    /// without one.
    pub fn names(&self) -> String {
        self.credentials
            .iter()
            .map(|c| {
                c.incident
                    .access_key_id
                    .as_ref()
                    .map_or_else(|| c.incident.describe(), ToString::to_string)
            })
            .collect::<Vec<_>>()
            .join("+")
    }
}

/// The finding's credential, then each sequence actor's, each once (by key, or by
/// identity when no key is named).
pub fn named_credentials(finding: &GuardDutyFinding) -> Vec<CredentialIncident> {
    let actors = finding
        .sequence()
        .into_iter()
        .flat_map(|s| s.actors.iter())
        .filter_map(|a| a.user.as_ref())
        .map(|user| CredentialIncident::from_actor(finding, user));
    let mut named: Vec<CredentialIncident> = Vec::new();
    for incident in CredentialIncident::from_finding(finding)
        .into_iter()
        .chain(actors)
    {
        let identity = |i: &CredentialIncident| match &i.access_key_id {
            Some(key) => key.to_string(),
            None => format!("{:?}/{}", i.user_type, i.user_name.as_deref().unwrap_or("")),
        };
        if !named.iter().any(|n| identity(n) == identity(&incident)) {
            named.push(incident);
        }
    }
    named
}

fn signals(finding: &GuardDutyFinding) -> Vec<SignalSummary> {
    finding
        .sequence()
        .into_iter()
        .flat_map(|s| s.signals.iter())
        .map(|s| SignalSummary {
            name: s.name.clone(),
            signal_type: s.signal_type.clone(),
            count: s.count,
        })
        .collect()
}
