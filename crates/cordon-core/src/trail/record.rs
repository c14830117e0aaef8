//! cordon's Security Hub finding and on-call message for a CloudTrail event: who did
//! what, from where, the exact change, and what cordon repaired.

use super::TrailVerdict;
use super::catalogue::{Family, Watched};
use super::incident::{change_summary, describe_caller, principal_arn};
use crate::recording::{
    FindingResource, Notification, ResponseFinding, incident_message, outcome_product_fields,
    truncate,
};
use crate::{Decision, Outcome};
use cordon_events::{CloudTrailEvent, Envelope};
use serde_json::json;

/// The playbook that produced a finding; also its `GeneratorId`.
pub const TRAIL_PLAYBOOK: &str = "cordon/respond-cloudtrail";

/// cordon's Security Hub finding for a CloudTrail event and how handling it ended.
pub fn response_finding(
    envelope: &Envelope,
    event: &CloudTrailEvent,
    verdict: &TrailVerdict,
    outcome: &Outcome,
) -> ResponseFinding {
    let account = envelope.account.as_str();
    let region = event.aws_region.as_str();
    let watched = verdict.watched.unwrap_or(super::catalogue::ROOT_ACTIVITY);
    let caller = describe_caller(&event.identity);
    let change = change_summary(event);
    let title = match (outcome.decision, verdict.attempt) {
        (_, true) => format!(
            "ATTEMPT: {caller} tried {} and was refused",
            event.event_name
        ),
        (Decision::Contained, _) => format!("cordon repaired: {caller} {}", watched.what),
        (Decision::Failed, _) => format!("cordon FAILED to repair: {caller} {}", watched.what),
        _ => format!("{caller} {}", watched.what),
    };
    let remediation = remediation(watched, verdict, outcome);
    let description = truncate(
        &format!(
            "{caller} called {} {} at {} from {} ({}). Change: {change}. cordon: {} — {}.",
            event.event_source,
            event.event_name,
            event.event_time,
            event.source_ip_address,
            event.user_agent.as_deref().unwrap_or("no user agent"),
            outcome.decision.as_str(),
            outcome.reason
        ),
        1024,
    );
    let mut product_fields = outcome_product_fields(outcome, TRAIL_PLAYBOOK);
    for (key, value) in [
        ("cordon/EventId", event.event_id.clone()),
        ("cordon/EventName", event.event_name.clone()),
        ("cordon/EventSource", event.event_source.clone()),
        ("cordon/Family", watched.family.as_str().to_owned()),
        ("cordon/Controls", watched.controls.to_owned()),
        ("cordon/Principal", principal_arn(event)),
        ("cordon/SourceIp", event.source_ip_address.clone()),
        (
            "cordon/UserAgent",
            event.user_agent.clone().unwrap_or_default(),
        ),
        ("cordon/Change", truncate(&change, 2048)),
    ] {
        product_fields.insert(key.to_owned(), truncate(&value, 2048));
    }
    ResponseFinding {
        id: format!("{TRAIL_PLAYBOOK}/{account}/{region}/{}", event.event_id),
        product_arn: crate::recording::own_product_arn(account, region),
        generator_id: format!("{TRAIL_PLAYBOOK}/{}", watched.family.as_str()),
        account_id: account.to_owned(),
        region: region.to_owned(),
        types: vec![asff_type(watched, verdict, event)],
        severity_label: if verdict.root || verdict.own_role_misused {
            "CRITICAL"
        } else {
            watched.severity
        },
        severity_original: watched.severity.to_owned(),
        title: truncate(&title, 256),
        description,
        created_at: event.event_time.clone(),
        resources: resources(account, region, event, verdict),
        source: None,
        product_fields,
        workflow_status: "NEW",
        remediation: truncate(&remediation, 512),
    }
}

fn asff_type(watched: Watched, verdict: &TrailVerdict, event: &CloudTrailEvent) -> String {
    let category = match watched.family {
        Family::AuditTampering => "TTPs/Defense Evasion",
        Family::ExposedAdminPorts => {
            "Software and Configuration Checks/AWS Security Best Practices"
        }
        Family::RiskyChange if verdict.root => "Unusual Behaviors/User",
        Family::RiskyChange => {
            "Software and Configuration Checks/Industry and Regulatory Standards"
        }
    };
    format!("{category}/CloudTrail {}", event.event_name)
}

fn resources(
    account: &str,
    region: &str,
    event: &CloudTrailEvent,
    verdict: &TrailVerdict,
) -> Vec<FindingResource> {
    let mut resources = Vec::new();
    if let Some(trail) = event
        .request_string("name")
        .or(event.request_string("trailName"))
        && event.event_source == "cloudtrail.amazonaws.com"
    {
        let arn = if trail.starts_with("arn:") {
            trail.to_owned()
        } else {
            format!("arn:aws:cloudtrail:{region}:{account}:trail/{trail}")
        };
        resources.push(FindingResource::Named {
            resource_type: "AwsCloudTrailTrail",
            id: arn,
        });
    }
    if let Some(group) = super::incident::changed_group_id(event)
        && !verdict.exposed.is_empty()
    {
        resources.push(FindingResource::Named {
            resource_type: "AwsEc2SecurityGroup",
            id: format!("arn:aws:ec2:{region}:{account}:security-group/{group}"),
        });
    }
    let identity = &event.identity;
    match (
        identity.identity_type.as_str(),
        identity.user_name.as_deref(),
    ) {
        ("IAMUser", Some(name)) => resources.push(FindingResource::IamUser {
            arn: format!("arn:aws:iam::{account}:user/{name}"),
            name: name.to_owned(),
        }),
        ("AssumedRole", _) => {
            if let (Some(arn), Some(name)) = (
                identity.session_issuer_arn.as_deref(),
                identity.session_issuer_name.as_deref(),
            ) {
                resources.push(FindingResource::IamRole {
                    arn: arn.to_owned(),
                    name: name.to_owned(),
                });
            }
        }
        _ => {}
    }
    if resources.is_empty() {
        resources.push(FindingResource::Named {
            resource_type: "AwsAccount",
            id: format!("AWS::::Account:{account}"),
        });
    }
    resources
}

fn remediation(watched: Watched, verdict: &TrailVerdict, outcome: &Outcome) -> String {
    if verdict.attempt {
        return "The call was refused, so nothing changed. Find out why this principal tried it: \
                review its other activity in CloudTrail and contain it if it is not expected."
            .to_owned();
    }
    match (watched.family, outcome.decision) {
        (_, Decision::Failed) => format!(
            "cordon could not repair this automatically: {}. Undo the change by hand now, then \
             investigate the principal.",
            outcome.reason
        ),
        (Family::AuditTampering, Decision::Contained) => {
            "Logging is restored (verified). Events between the change and the repair may be \
             missing: review what the principal did in that window and whether it should keep \
             its permissions."
                .to_owned()
        }
        (Family::AuditTampering, _) => {
            "No single call safely restores this: restore the previous configuration by hand \
             (from your infrastructure code), then investigate the principal."
                .to_owned()
        }
        (Family::ExposedAdminPorts, Decision::Contained) => {
            "The rules opening admin ports to the internet are revoked (verified). Reach \
             instances through Session Manager or a narrow range instead, and check what \
             connected while the ports were open."
                .to_owned()
        }
        (Family::ExposedAdminPorts, Decision::Observed)
            if super::revoke::nothing_exposed(&outcome.steps).is_some() =>
        {
            "As EC2 holds them now, the rules this call opened expose nothing, so cordon \
             revoked nothing. Find out who opened them and who changed them since."
                .to_owned()
        }
        (Family::ExposedAdminPorts, _) => {
            "Admin ports are open to the internet: revoke the rules named here unless this is \
             intended, then review the group."
                .to_owned()
        }
        (Family::RiskyChange, _) => format!(
            "Confirm the change was intended and approved ({}); if not, undo it and contain \
             the principal.",
            watched.controls
        ),
    }
}

/// The message for the people on call about a CloudTrail event.
pub fn notification(
    envelope: &Envelope,
    event: &CloudTrailEvent,
    verdict: &TrailVerdict,
    outcome: &Outcome,
    finding: &ResponseFinding,
) -> Notification {
    let subject = format!("[cordon] {}", finding.title);
    let mut summary = format!(
        "{}\nWho: {} ({}) from {}\nWhere: account {} ({})\nChange: {}\nDone: {}\nNext: {}\n",
        finding.title,
        describe_caller(&event.identity),
        principal_arn(event),
        event.source_ip_address,
        envelope.account,
        event.aws_region,
        truncate(&change_summary(event), 512),
        outcome.reason,
        finding.remediation,
    );
    for step in &outcome.steps {
        summary.push_str(&format!(
            "  - {} {}: {}\n",
            step.name,
            step.target,
            step.status.as_str()
        ));
    }
    let message = incident_message(
        &summary,
        &json!({
            "responseFindingId": finding.id,
            "eventId": event.event_id,
            "eventName": event.event_name,
            "eventSource": event.event_source,
            "eventTime": event.event_time,
            "accountId": envelope.account,
            "region": event.aws_region,
            "principal": principal_arn(event),
            "sourceIPAddress": event.source_ip_address,
            "userAgent": event.user_agent,
            "attempt": verdict.attempt,
            "controls": verdict.watched.map(|w| w.controls),
            "outcome": outcome,
        }),
    );
    let account = envelope.account.as_str();
    Notification::new(&subject, message, outcome, finding, account)
}
