//! Revokes exactly the rules that expose a group, judged on each rule as EC2 holds it
//! when cordon acts, not as the event describes it: a rule the event names is read by
//! its id; one an older event only describes is found in the group by protocol, ports
//! and range. The group is read back: a revoked rule must be gone.

use super::exposure::{ExposedRule, Exposure};
use crate::outcome::FailureKind;
use crate::ports::{IngressRule, SecurityGroupRules};
use crate::{Step, StepReport, StepStatus};
use cordon_events::{SecurityGroupId, SecurityGroupRuleId};

/// How the step's detail starts when, as EC2 holds them now, the rules expose nothing.
const NOTHING_EXPOSED: &str = "nothing exposed now: ";

/// The revoke step that found nothing exposed when it looked: the rules the event
/// names were changed since, or point out, so there was nothing to repair.
pub fn nothing_exposed(steps: &[StepReport]) -> Option<&StepReport> {
    steps.iter().find(|s| {
        s.name == crate::StepKind::RevokeExposedIngress.name()
            && s.status == StepStatus::Skipped
            && s.detail.starts_with(NOTHING_EXPOSED)
    })
}

/// The planned rules as they are now.
#[derive(Default)]
struct Found {
    /// Still exposing: revoke.
    targets: Vec<String>,
    /// Changed since so that they expose nothing: left alone.
    spared: Vec<String>,
    /// No longer there.
    gone: Vec<String>,
}

/// The `revoke-exposed-ingress` step on `group`, for the rules the plan names.
pub(crate) async fn revoke_exposed<G: SecurityGroupRules>(
    groups: &G,
    group: &SecurityGroupId,
    exposed: &[ExposedRule],
    exposure: Exposure<'_>,
    step: &Step,
) -> StepReport {
    let found = match find(groups, group, exposed, exposure, step).await {
        Ok(found) => found,
        Err(report) => return report,
    };
    let notes: Vec<&str> = found
        .spared
        .iter()
        .chain(&found.gone)
        .map(String::as_str)
        .collect();
    if found.targets.is_empty() {
        return match (found.spared.is_empty(), notes.is_empty()) {
            // Revoked already, by cordon or someone else: the repair holds.
            (true, true) => step.report(
                StepStatus::AlreadyDone,
                format!("none of the exposing rules is in {group} any more"),
            ),
            (true, false) => step.report(StepStatus::AlreadyDone, notes.join("; ")),
            // As EC2 holds them, the rules expose nothing: there was nothing to repair.
            (false, _) => step.report(
                StepStatus::Skipped,
                format!("{NOTHING_EXPOSED}{}", notes.join("; ")),
            ),
        };
    }
    if let Err(err) = groups.revoke_ingress_rules(group, &found.targets).await {
        return step.failed(&err);
    }
    let targets = found.targets.join(", ");
    match groups.ingress_rules(group).await {
        Ok(after) if after.iter().any(|r| found.targets.contains(&r.rule_id)) => step.report(
            StepStatus::Failed,
            format!("revoked, but {group} still holds one of {targets}"),
        ),
        Ok(after) => {
            let mut detail = format!("revoked {targets} (read back)");
            for note in notes {
                detail.push_str(&format!("; {note}"));
            }
            detail.push_str(&format!(
                "; the group's other {} rule(s) untouched",
                after.len()
            ));
            StepReport {
                resources: found.targets.clone(),
                ..step.report(StepStatus::Done, detail)
            }
        }
        Err(err) => step.report(StepStatus::Failed, format!("read-back failed: {err}")),
    }
}

/// Reads the planned rules live and sorts them; a failed read, or a rule that lives in
/// another group than the one whose exemption was checked, ends the step.
async fn find<G: SecurityGroupRules>(
    groups: &G,
    group: &SecurityGroupId,
    exposed: &[ExposedRule],
    exposure: Exposure<'_>,
    step: &Step,
) -> Result<Found, StepReport> {
    let mut found = Found::default();
    let named: Vec<SecurityGroupRuleId> =
        exposed.iter().filter_map(|e| e.rule_id.clone()).collect();
    if !named.is_empty() {
        let live = groups
            .rules_by_id(&named)
            .await
            .map_err(|err| step.failed(&err))?;
        for id in &named {
            match live.iter().find(|r| r.rule.rule_id == id.as_str()) {
                None => found.gone.push(format!("{id} no longer exists")),
                Some(r) if r.group_id != group.as_str() => {
                    let why = format!(
                        "{id} is in {}, not in {group}: cordon acts only on the group whose \
                         exemption it checked",
                        r.group_id
                    );
                    return Err(StepReport {
                        failure: Some(FailureKind::Permanent),
                        ..step.report(StepStatus::Failed, why)
                    });
                }
                Some(r) if r.egress => found
                    .spared
                    .push(format!("{id} is an egress rule: it lets nothing in")),
                Some(r) if !exposure.exposes_rule(&r.rule) => found.spared.push(format!(
                    "{id} is now {}: it opens no admin port to the internet",
                    describe(&r.rule)
                )),
                Some(_) => found.targets.push(id.to_string()),
            }
        }
    }
    let described: Vec<&ExposedRule> = exposed.iter().filter(|e| e.rule_id.is_none()).collect();
    if !described.is_empty() {
        let current = groups
            .ingress_rules(group)
            .await
            .map_err(|err| step.failed(&err))?;
        found.targets.extend(
            current
                .iter()
                .filter(|rule| described.iter().any(|e| e.matches(rule)))
                .filter(|rule| exposure.exposes_rule(rule))
                .map(|rule| rule.rule_id.clone()),
        );
    }
    Ok(found)
}

/// A rule as people read it: `tcp 22 from 10.0.0.0/8`.
fn describe(rule: &IngressRule) -> String {
    ExposedRule {
        rule_id: None,
        protocol: rule.protocol.clone(),
        from_port: rule.from_port,
        to_port: rule.to_port,
        cidr: rule
            .cidr
            .clone()
            .unwrap_or_else(|| "a security group or prefix list".to_owned()),
    }
    .to_string()
}
