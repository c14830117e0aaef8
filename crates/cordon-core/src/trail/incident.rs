//! Who did what in one CloudTrail event, as the response speaks of it: the caller, its
//! ARN, the exact change, and the caller as a credential incident to contain.

use crate::credential::{CredentialIncident, UserType};
use cordon_events::{AccountId, CallerIdentity, CloudTrailEvent, SecurityGroupId};

/// Who made the call, as a responder would say it.
pub fn describe_caller(identity: &CallerIdentity) -> String {
    let name = identity.user_name.as_deref();
    match identity.identity_type.as_str() {
        "Root" => "the root user".to_owned(),
        "IAMUser" => format!("IAM user {}", name.unwrap_or("(unnamed)")),
        "AssumedRole" => format!(
            "role {}",
            identity
                .session_issuer_name
                .as_deref()
                .or(identity.arn.as_deref())
                .unwrap_or("(unknown)")
        ),
        other => format!(
            "{other} {}",
            identity
                .arn
                .as_deref()
                .or(name)
                .or(identity.principal_id.as_deref())
                .unwrap_or("(unknown)")
        ),
    }
}

/// The caller as a credential incident, so the credential playbook can contain it.
pub fn principal_incident(account: &AccountId, event: &CloudTrailEvent) -> CredentialIncident {
    let identity = &event.identity;
    let user_type = UserType::parse(Some(identity.identity_type.as_str()));
    let user_name = match user_type {
        UserType::AssumedRole => identity.session_issuer_name.clone(),
        _ => identity.user_name.clone(),
    };
    CredentialIncident {
        finding_id: event.event_id.clone(),
        finding_arn: String::new(),
        finding_type: format!("CloudTrail:{}", event.event_name),
        severity: 0.0,
        account_id: account.clone(),
        region: event.aws_region.clone(),
        access_key_id: identity.access_key_id.clone(),
        principal_id: identity.principal_id.clone(),
        user_name,
        user_type,
        updated_at: event.event_time.clone(),
    }
}

/// The exact change: the call and its parameters, as CloudTrail recorded them.
pub(crate) fn change_summary(event: &CloudTrailEvent) -> String {
    match &event.request_parameters {
        serde_json::Value::Null => event.event_name.clone(),
        params => format!("{} {}", event.event_name, params),
    }
}

/// The caller's ARN, or the best name CloudTrail gives it.
pub(crate) fn principal_arn(event: &CloudTrailEvent) -> String {
    let identity = &event.identity;
    identity
        .arn
        .clone()
        .or_else(|| identity.user_name.clone())
        .or_else(|| identity.principal_id.clone())
        .unwrap_or_else(|| identity.identity_type.clone())
}

/// The security group whose rules the call added or rewrote, when the event names its id.
pub(crate) fn changed_group_id(event: &CloudTrailEvent) -> Option<&SecurityGroupId> {
    match (&event.ingress, &event.modification) {
        (Some(change), _) => change.group_id.as_ref(),
        (None, Some(rewrite)) => Some(&rewrite.group_id),
        (None, None) => None,
    }
}

/// The changed group as the event names it: its id, or only its name.
pub(crate) fn changed_group(event: &CloudTrailEvent) -> Option<String> {
    changed_group_id(event)
        .map(ToString::to_string)
        .or_else(|| event.ingress.as_ref()?.group_name.clone())
}
