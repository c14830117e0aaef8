//! A GuardDuty finding that a bucket was opened to the world, or that the account's
//! S3 Block Public Access was switched off: turn that block back on, all four
//! settings, read back. Policies, ACLs and objects stay.

use super::finding::{self, Reported, Wording, guardduty_finding, log_triage};
use crate::adapters::{Adapters, Aws, Connect, Home, Ports};
use crate::responder::{Context, Responder, Source, Triaged};
use cordon_aws::Clients;
use cordon_core::bucket::account::{self, AccountBlockIncident, AccountRun};
use cordon_core::bucket::{self, BucketIncident, BucketRun, Exposure};
use cordon_core::recording::{Notification, ResponseFinding};
use cordon_core::{Decision, Exemption, Outcome, Plan, Verdict};
use cordon_events::{AccountId, Envelope, Event, GuardDutyFinding};
use std::marker::PhantomData;

/// What the bucket playbook acts through.
pub struct BucketPorts<A: Adapters> {
    /// GuardDuty's own record of the finding (GuardDuty).
    pub findings: A::Findings,
    /// The bucket's tags and public-access block (S3).
    pub buckets: A::Buckets,
    /// The account's own public-access block (S3 Control).
    pub account_block: A::AccountBlock,
    pub home: Home<A>,
}

impl<A: Adapters> Ports for BucketPorts<A> {
    type Adapters = A;
    fn home(&self) -> &Home<A> {
        &self.home
    }
}

pub type AwsBucketPorts = BucketPorts<Aws>;

impl Connect for AwsBucketPorts {
    fn connect(acting: &Clients, home: Home<Aws>) -> Self {
        Self {
            findings: cordon_aws::GuardDutyFindings::new(acting.guardduty.clone()),
            buckets: cordon_aws::S3Buckets::new(acting.s3.clone()),
            account_block: cordon_aws::S3AccountBlock::new(acting.s3control.clone()),
            home,
        }
    }
}

/// The bucket-containment function's responder.
pub struct BucketResponder<A = Aws>(PhantomData<A>);

impl<A: Adapters> BucketResponder<A> {
    /// Triage of a finding, as the event tells it and again as GuardDuty confirms it.
    fn triage_finding(
        envelope: Envelope,
        finding: Box<GuardDutyFinding>,
        ctx: &Context<'_>,
    ) -> Result<Triaged<Self>, Verdict> {
        let policy = ctx.config.policy(ctx.home_account);
        let verdict = bucket::triage(&finding, &policy, &ctx.config.break_glass_principals);
        log_triage(&envelope.id, &finding, &verdict);
        // A malformed bucket is observed by triage but has no incident to record.
        let incident = match Exposure::from_finding(&finding) {
            Some(Ok(incident)) if verdict.decision != Decision::Ignored => incident,
            _ => return Err(verdict),
        };
        let plan = (verdict.decision == Decision::Contained).then(|| match &incident {
            Exposure::Bucket(b) => bucket::plan(b, &ctx.config.exempt_tag),
            Exposure::Account(a) => account::plan(a),
        });
        Ok(Triaged {
            incident: Reported {
                incident,
                finding,
                envelope,
            },
            decision: verdict.decision,
            reason: verdict.reason,
            plan,
        })
    }
}

impl<A: Adapters> Responder for BucketResponder<A> {
    const FUNCTION: &'static str = "ContainBucketFunction";
    type Ports = BucketPorts<A>;
    type Incident = Reported<Exposure>;
    /// `None`: only recorded.
    type Plan = Option<Plan>;
    type Survey = ();

    fn triage(event: Event, ctx: &Context<'_>) -> Result<Triaged<Self>, Verdict> {
        let (envelope, finding) = guardduty_finding(event)?;
        Self::triage_finding(envelope, finding, ctx)
    }

    fn rehearse(triaged: &Triaged<Self>) -> Outcome {
        finding::rehearse(triaged)
    }

    fn ledger_key(reported: &Self::Incident) -> String {
        finding::update_key(Self::incident_key(reported), &reported.finding)
    }

    fn incident_key(reported: &Self::Incident) -> String {
        let incident = &reported.incident;
        format!(
            "guardduty/{}/{}",
            incident.finding_id(),
            incident.target_key()
        )
    }

    fn account(reported: &Self::Incident) -> &AccountId {
        reported.incident.account_id()
    }

    fn contains(triaged: &Triaged<Self>) -> bool {
        triaged.plan.is_some()
    }

    async fn survey(_: &Self::Ports, _: &Triaged<Self>) {}

    async fn confirm(
        ports: &Self::Ports,
        triaged: &Triaged<Self>,
        ctx: &Context<'_>,
    ) -> Source<Self> {
        finding::confirm(
            &ports.findings,
            &triaged.incident,
            ctx,
            Self::triage_finding,
        )
        .await
    }

    async fn execute(
        ports: &Self::Ports,
        triaged: &Triaged<Self>,
        (): (),
        ctx: &Context<'_>,
    ) -> Outcome {
        let Some(plan) = &triaged.plan else {
            return Outcome::without_steps(triaged.decision, triaged.reason.clone());
        };
        match &triaged.incident.incident {
            Exposure::Bucket(incident) => {
                let run =
                    bucket::execute(&ports.buckets, incident, plan, &ctx.config.exempt_tag).await;
                conclude(incident, &triaged.reason, run)
            }
            Exposure::Account(incident) => {
                let run = account::execute(&ports.account_block, incident, plan).await;
                conclude_account(incident, &triaged.reason, run)
            }
        }
    }

    fn remembered(reported: &Self::Incident) -> Option<(String, String)> {
        finding::remembered(reported)
    }

    fn occurred_at(reported: &Self::Incident) -> &str {
        &reported.finding.updated_at
    }

    fn incident_id(reported: &Self::Incident) -> &str {
        reported.incident.finding_id()
    }

    fn response(triaged: &Triaged<Self>, outcome: &Outcome) -> ResponseFinding {
        let reported = &triaged.incident;
        let created_at = &reported.finding.created_at;
        match &reported.incident {
            Exposure::Bucket(b) => bucket::response_finding(b, created_at, outcome),
            Exposure::Account(a) => account::response_finding(a, created_at, outcome),
        }
    }

    fn notification(
        triaged: &Triaged<Self>,
        outcome: &Outcome,
        response: &ResponseFinding,
    ) -> Notification {
        match &triaged.incident.incident {
            Exposure::Bucket(b) => bucket::notification(b, outcome, response),
            Exposure::Account(a) => account::notification(a, outcome, response),
        }
    }
}

/// The decision the steps support: an exempt or vanished bucket is only observed; an
/// unreadable exemption or a block that did not read back fails (and is retried).
fn conclude(incident: &BucketIncident, reason: &str, run: BucketRun) -> Outcome {
    let bucket = &incident.bucket;
    let words = Wording {
        subject: &format!("bucket {bucket}"),
        gone: &format!("S3 no longer has bucket {bucket}: nothing to block"),
        verified: "public access blocked, read back",
    };
    finding::conclude(
        &incident.finding_id,
        reason,
        &run.exemption,
        run.reports,
        Vec::new(),
        &words,
    )
}

/// The decision the step supports: a block that could not be read, written or read
/// back fails (and is retried). An account has no exemption tag.
fn conclude_account(incident: &AccountBlockIncident, reason: &str, run: AccountRun) -> Outcome {
    let subject = format!("account {}", incident.account_id);
    let words = Wording {
        subject: &subject,
        gone: "",
        verified: "the account's public access blocked, read back",
    };
    finding::conclude(
        &incident.finding_id,
        reason,
        &Exemption::NotExempt,
        run.reports,
        Vec::new(),
        &words,
    )
}
