//! cordon's Security Hub finding and on-call message for a stolen credential.

use super::{CredentialIncident, UserType};
use crate::ports::Principal;
use crate::recording::{
    FindingResource, Notification, ResponseFinding, SourceFinding, asff_types, incident_message,
    outcome_product_fields, own_product_arn, severity_label, truncate,
};
use crate::{Decision, Outcome};
use serde_json::json;

/// The playbook that produced a finding; also its `GeneratorId`.
pub const CREDENTIAL_PLAYBOOK: &str = "cordon/contain-credentials";

/// cordon's Security Hub finding for a credential incident and how handling it ended.
pub fn response_finding(
    incident: &CredentialIncident,
    created_at: &str,
    outcome: &Outcome,
) -> ResponseFinding {
    let account = incident.account_id.as_str();
    let region = incident.region.as_str();
    let credential = incident.describe();
    let resources = credential_resources(incident);
    let root = incident.user_type == UserType::Root;
    let (title, workflow_status, remediation) = match outcome.decision {
        Decision::Contained => (
            format!("cordon contained {credential}: {}", incident.finding_type),
            "NEW",
            "The stolen credential is disabled and its older sessions denied (verified). Next: find what it \
             did (CloudTrail, by access key id), rotate anything it could read, issue the owner new \
             credentials, then remove the cordon-revoke-older-sessions policy once no stolen session can remain."
                .to_owned(),
        ),
        Decision::Failed => (
            format!("cordon FAILED to contain {credential}: {}", incident.finding_type),
            "NEW",
            "Automated containment did not verify. By hand now: deactivate the access key, attach a policy \
             denying sessions issued before now (aws:TokenIssueTime), then investigate."
                .to_owned(),
        ),
        Decision::Observed | Decision::Ignored if root => (
            format!("ROOT credentials used: {}", incident.finding_type),
            "NEW",
            "No API can disable root. Now: change the root password, delete any root access keys, enable MFA \
             on root, review CloudTrail for everything root did, and confirm who signed in."
                .to_owned(),
        ),
        Decision::Observed | Decision::Ignored => (
            format!("cordon observed {credential}: {}", incident.finding_type),
            "NOTIFIED",
            format!(
                "cordon did not act: {}. Review the GuardDuty finding and decide whether the credential needs containment.",
                outcome.reason
            ),
        ),
    };
    let description = truncate(
        &format!(
            "GuardDuty reported {} for {credential} (severity {}). cordon: {} — {}.",
            incident.finding_type,
            incident.severity,
            outcome.decision.as_str(),
            outcome.reason
        ),
        1024,
    );
    ResponseFinding {
        id: format!(
            "{CREDENTIAL_PLAYBOOK}/{account}/{region}/{}",
            incident.finding_id
        ),
        product_arn: own_product_arn(account, region),
        generator_id: CREDENTIAL_PLAYBOOK.to_owned(),
        account_id: account.to_owned(),
        region: region.to_owned(),
        types: asff_types(&incident.finding_type),
        // Root use is LOW to GuardDuty and an emergency to everyone else.
        severity_label: if root {
            "CRITICAL"
        } else {
            severity_label(incident.severity)
        },
        severity_original: incident.severity.to_string(),
        title: truncate(&title, 256),
        description,
        created_at: created_at.to_owned(),
        resources,
        source: Some(SourceFinding::guardduty(&incident.finding_arn, region)),
        product_fields: outcome_product_fields(outcome, CREDENTIAL_PLAYBOOK),
        workflow_status,
        remediation: truncate(&remediation, 512),
    }
}

/// The access key and the user or role it belongs to, as Security Hub resources.
pub(super) fn credential_resources(incident: &CredentialIncident) -> Vec<FindingResource> {
    let account = incident.account_id.as_str();
    let mut resources = vec![FindingResource::AccessKey {
        access_key_id: incident
            .access_key_id
            .as_ref()
            .map_or("unknown".to_owned(), ToString::to_string),
        principal_id: incident.principal_id.clone(),
        principal_name: incident.user_name.clone(),
        principal_type: format!("{:?}", incident.user_type),
    }];
    match incident.principal() {
        Some(Principal::User(name)) => resources.push(FindingResource::IamUser {
            arn: format!("arn:aws:iam::{account}:user/{name}"),
            name,
        }),
        Some(Principal::Role(name)) => resources.push(FindingResource::IamRole {
            arn: format!("arn:aws:iam::{account}:role/{name}"),
            name,
        }),
        None => {}
    }
    resources
}

/// The message for the people on call about a credential incident.
pub fn notification(
    incident: &CredentialIncident,
    outcome: &Outcome,
    finding: &ResponseFinding,
) -> Notification {
    let credential = incident.describe();
    let verdict = match outcome.decision {
        Decision::Contained => "CREDENTIAL CONTAINED (verified)",
        Decision::Failed => "CREDENTIAL CONTAINMENT FAILED",
        _ if incident.user_type == UserType::Root => "ROOT CREDENTIALS USED: act now",
        Decision::Observed => "observed, no action",
        Decision::Ignored => "ignored",
    };
    let subject = format!("[cordon] {verdict}: {credential}");
    let mut summary = format!(
        "{verdict}: {credential} in account {} ({})\nWhat: {} (severity {} {})\nDone: {}\nNext: {}\n",
        incident.account_id,
        incident.region,
        incident.finding_type,
        finding.severity_label,
        incident.severity,
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
            "sourceFindingId": incident.finding_id,
            "sourceFindingArn": incident.finding_arn,
            "findingType": incident.finding_type,
            "accountId": incident.account_id,
            "accessKeyId": incident.access_key_id,
            "userName": incident.user_name,
            "userType": incident.user_type,
            "outcome": outcome,
        }),
    );
    let account = incident.account_id.as_str();
    Notification::new(&subject, message, outcome, finding, account)
}
