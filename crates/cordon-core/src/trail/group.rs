//! The `check-exemption` step of an exposed group: which group it is, and whether it is
//! exempt, read live. A group the event names only by name (a default-VPC call) is
//! looked up where EC2 looked it up, in the default VPC; a name that finds no group,
//! or more than one, is an error and nothing is touched.

use super::TrailPlan;
use crate::outcome::FailureKind;
use crate::ports::SecurityGroupRules;
use crate::{Exemption, Step, StepReport, StepStatus};
use cordon_events::SecurityGroupId;

/// The group's exemption, and the group itself once known.
pub(crate) struct GroupCheck {
    pub report: StepReport,
    pub exemption: Exemption,
    pub group: Option<SecurityGroupId>,
}

impl GroupCheck {
    /// The group cannot be known: not acting, and retrying only if it could help.
    fn unknown(report: StepReport) -> Self {
        Self {
            exemption: Exemption::Unknown(report.detail.clone()),
            report,
            group: None,
        }
    }
}

pub(crate) async fn check_group<G: SecurityGroupRules>(
    groups: &G,
    plan: &TrailPlan,
    step: &Step,
    exempt_tag: &str,
) -> GroupCheck {
    let (group, found) = match (&plan.group, &plan.group_name) {
        (Some(group), _) => (group.clone(), String::new()),
        (None, Some(name)) => match resolve(groups, name, step).await {
            Ok((group, found)) => (group, found),
            Err(report) => return GroupCheck::unknown(report),
        },
        (None, None) => {
            return GroupCheck::unknown(permanent(step, "the event names no group".into()));
        }
    };
    let (status, detail, exemption) = match groups.group_tags(&group).await {
        Ok(tags) => match Exemption::from_tags(&tags, exempt_tag) {
            Exemption::Exempt(tag) => (
                StepStatus::Done,
                format!("exempt by tag {tag}"),
                Exemption::Exempt(tag),
            ),
            not_exempt => (
                StepStatus::Done,
                format!("no {exempt_tag} tag: not exempt"),
                not_exempt,
            ),
        },
        Err(err) if err.code.as_deref() == Some("InvalidGroup.NotFound") => (
            StepStatus::Skipped,
            format!("{group} no longer exists"),
            Exemption::PrincipalMissing,
        ),
        Err(err) => {
            let why = format!(
                "could not read the tags ({err}); not acting, as an exemption cannot be ruled out"
            );
            return GroupCheck::unknown(step.report_on(group.as_str(), StepStatus::Failed, why));
        }
    };
    GroupCheck {
        report: step.report_on(group.as_str(), status, format!("{found}{detail}")),
        exemption,
        group: Some(group),
    }
}

/// The one group of the default VPC named `name`, and how it was found.
async fn resolve<G: SecurityGroupRules>(
    groups: &G,
    name: &str,
    step: &Step,
) -> Result<(SecurityGroupId, String), StepReport> {
    let vpc = match groups.default_vpc().await {
        Ok(Some(vpc)) => vpc,
        Ok(None) => {
            return Err(permanent(
                step,
                format!(
                    "the event names the group only as {name:?}, which EC2 looks up in the \
                     default VPC, and this region has none now; cordon does not guess"
                ),
            ));
        }
        Err(err) => return Err(step.failed(&err)),
    };
    let found = match groups.groups_named(name, &vpc).await {
        Ok(found) => found,
        Err(err) => return Err(step.failed(&err)),
    };
    match found.as_slice() {
        [group] => Ok((
            group.clone(),
            format!("{name:?} is {group} in the default VPC {vpc}; "),
        )),
        [] => Err(permanent(
            step,
            format!(
                "no security group named {name:?} in the default VPC {vpc}; cordon does not guess"
            ),
        )),
        several => {
            let ids: Vec<String> = several.iter().map(ToString::to_string).collect();
            Err(permanent(
                step,
                format!(
                    "{} security groups named {name:?} in the default VPC {vpc} ({}); cordon \
                     does not guess",
                    ids.len(),
                    ids.join(", ")
                ),
            ))
        }
    }
}

/// A failure a retry would meet again.
fn permanent(step: &Step, why: String) -> StepReport {
    StepReport {
        failure: Some(FailureKind::Permanent),
        ..step.report(StepStatus::Failed, why)
    }
}
