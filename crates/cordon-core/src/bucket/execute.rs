//! Carries out a bucket plan: the exemption, read live, decides first; then the block
//! is read, turned fully on and read back. A repeat finds it on and writes nothing.

use super::BucketIncident;
use crate::ports::{BucketAccess, PublicAccessBlock};
use crate::{Exemption, Plan, Step, StepKind, StepReport, StepStatus};

#[derive(Clone, Debug, PartialEq)]
pub struct BucketRun {
    /// One per plan step, in plan order.
    pub reports: Vec<StepReport>,
    pub exemption: Exemption,
    /// The block as S3 held it before cordon's change, when it was read: `Some(None)`
    /// means the bucket had no block of its own.
    pub before: Option<Option<PublicAccessBlock>>,
}

/// Runs `plan` unless the bucket is exempt; unreadable tags mean no action.
pub async fn execute<B: BucketAccess>(
    port: &B,
    incident: &BucketIncident,
    plan: &Plan,
    exempt_tag: &str,
) -> BucketRun {
    let bucket = incident.bucket.as_str();
    let exemption = match port.bucket_tags(bucket).await {
        Ok(tags) => Exemption::from_tags(&tags, exempt_tag),
        Err(err) if err.code.as_deref() == Some("NoSuchBucket") => Exemption::PrincipalMissing,
        Err(err) => Exemption::Unknown(err.to_string()),
    };
    let check = plan.step(StepKind::CheckExemption);
    let mut reports = Vec::new();
    let skip_rest = |reports: &mut Vec<StepReport>, why: &str| {
        reports.extend(
            plan.steps
                .iter()
                .filter(|s| s.kind != StepKind::CheckExemption)
                .map(|s| s.report(StepStatus::Skipped, why.to_owned())),
        );
    };
    match &exemption {
        Exemption::NotExempt => {
            reports.extend(
                check.map(|s| {
                    s.report(StepStatus::Done, format!("no {exempt_tag} tag: not exempt"))
                }),
            );
        }
        Exemption::Exempt(tag) => {
            reports
                .extend(check.map(|s| s.report(StepStatus::Done, format!("exempt by tag {tag}"))));
            skip_rest(&mut reports, "not touched: the bucket is exempt");
            return BucketRun {
                reports,
                exemption,
                before: None,
            };
        }
        Exemption::PrincipalMissing => {
            reports.extend(
                check.map(|s| s.report(StepStatus::Skipped, format!("S3 has no bucket {bucket}"))),
            );
            skip_rest(&mut reports, "not attempted: the bucket no longer exists");
            return BucketRun {
                reports,
                exemption,
                before: None,
            };
        }
        Exemption::Unknown(err) => {
            reports.extend(check.map(|s| {
                s.report(
                    StepStatus::Failed,
                    format!("could not read the tags ({err}); not acting, as an exemption cannot be ruled out"),
                )
            }));
            skip_rest(&mut reports, "not attempted: exemption unknown");
            return BucketRun {
                reports,
                exemption,
                before: None,
            };
        }
    }
    let mut before = None;
    if let Some(step) = plan.step(StepKind::BlockBucketPublicAccess) {
        let (report, read) = block_public_access(port, step).await;
        before = read;
        reports.push(report);
    }
    BucketRun {
        reports,
        exemption,
        before,
    }
}

/// Reads the block, turns every setting on unless all already are, and reads it back.
async fn block_public_access<B: BucketAccess>(
    port: &B,
    step: &Step,
) -> (StepReport, Option<Option<PublicAccessBlock>>) {
    let bucket = step.target.as_str();
    let before = match port.public_access_block(bucket).await {
        Ok(before) => before,
        Err(err) => return (step.failed(&err), None),
    };
    let was = describe(before);
    if before.is_some_and(|b| b.is_all_on()) {
        let report = step.report(
            StepStatus::AlreadyDone,
            "all four settings already on (read back)",
        );
        return (report, Some(before));
    }
    let after = async {
        port.put_public_access_block(bucket, PublicAccessBlock::ALL_ON)
            .await?;
        port.public_access_block(bucket).await
    }
    .await;
    let report = match after {
        Ok(Some(block)) if block.is_all_on() => step.report(
            StepStatus::Done,
            format!("all four settings on (read back); before: {was}"),
        ),
        Ok(after) => step.report(
            StepStatus::Failed,
            format!(
                "read back {} after turning all four on; before: {was}",
                describe(after)
            ),
        ),
        Err(err) => step.failed(&err),
    };
    (report, Some(before))
}

/// The block as people read it; `None` is a bucket without a block of its own.
pub(crate) fn describe(block: Option<PublicAccessBlock>) -> String {
    block.map_or_else(
        || "no public-access block (all four off)".to_owned(),
        |b| b.to_string(),
    )
}
