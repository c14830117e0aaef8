//! What cordon does to a stolen credential, as data: a user's long-term key is
//! deactivated, a temporary key's sessions denied; then the principal's older sessions.

use super::{CredentialIncident, UserType};
use crate::names::{INCIDENT_TAG, REVOKE_SESSIONS_POLICY, STATUS_TAG};
use crate::ports::Principal;
use crate::{Plan, Step, StepKind};
use cordon_events::AccessKeyKind;
use serde::Serialize;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CredentialSettings {
    /// Tag key that exempts a principal (any value but `false`), read live.
    pub exempt_tag: String,
    /// Also delete the user's console password (it cannot be restored, only reset).
    pub delete_login_profile: bool,
}

/// The credential playbook. `None` when the incident names no user or role cordon could
/// act on: root and federated principals never reach a plan.
pub fn plan(incident: &CredentialIncident, settings: &CredentialSettings) -> Option<Plan> {
    let principal = incident.principal()?;
    let target = principal.name().to_owned();
    let key = incident.access_key_id.as_ref().map(ToString::to_string);
    let mut steps = vec![step(
        StepKind::CheckExemption,
        &target,
        format!(
            "read {principal}'s tags now; tagged {} (any value but false) means hands off",
            settings.exempt_tag
        ),
    )];
    match (incident.access_key_id.as_ref().map(|k| k.kind()), &key) {
        (Some(AccessKeyKind::LongTerm), Some(key)) if incident.user_type == UserType::IamUser => {
            steps.push(step(
                StepKind::DeactivateAccessKey,
                key,
                format!("set {key} Inactive; {principal}'s other keys are left alone"),
            ));
        }
        (_, key) => steps.push(step(
            StepKind::TemporaryCredential,
            key.as_deref().unwrap_or("unknown key"),
            "a temporary (or unnamed) key cannot be deactivated: the sessions issued from it are denied instead",
        )),
    }
    let revoke = format!(
        "put inline policy {REVOKE_SESSIONS_POLICY} on {principal}: deny everything to sessions issued before now (aws:TokenIssueTime)"
    );
    match &principal {
        Principal::User(_) => steps.push(step(StepKind::RevokeUserSessions, &target, revoke)),
        Principal::Role(_) => steps.push(step(
            StepKind::RevokeRoleSessions,
            &target,
            format!(
                "{revoke}; every holder of the role is affected, and the finding names who uses it"
            ),
        )),
    }
    if settings.delete_login_profile && matches!(principal, Principal::User(_)) {
        steps.push(step(
            StepKind::DeleteLoginProfile,
            &target,
            "delete the console password (sign-in needs a reset by an administrator)",
        ));
    }
    steps.push(step(
        StepKind::TagPrincipal,
        &target,
        format!(
            "tag {principal} {INCIDENT_TAG}={}, {STATUS_TAG}=contained (or containment-unverified)",
            incident.finding_id
        ),
    ));
    Some(Plan { steps })
}

fn step(kind: StepKind, target: &str, detail: impl Into<String>) -> Step {
    Step {
        kind,
        target: target.to_owned(),
        detail: detail.into(),
    }
}
