//! What to do with a CloudTrail event: repair, record, or ignore — with a reason. Pure.

use super::catalogue::{
    CONSOLE_SIGN_IN_FAILURE, CONSOLE_SIGN_IN_WITHOUT_MFA, Family, ROOT_ACTIVITY, Repair, Watched,
    watched_call,
};
use super::exposure::{ExposedRule, Exposure, exposed_rules, rewritten_rules};
use super::incident::{changed_group, describe_caller};
use super::internet::InternetShare;
use crate::Decision;
use crate::credential::CredentialSettings;
use crate::names::REVOKE_SESSIONS_POLICY;
use crate::session_policy::is_revoke_only;
use cordon_events::{AccountId, CallerIdentity, CloudTrailEvent, CloudTrailEventKind, Envelope};
use serde::Serialize;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TrailSettings {
    /// Accounts cordon may act in.
    pub allowed_accounts: Vec<AccountId>,
    /// cordon's own role ARNs: their calls are never answered, so a repair cannot
    /// wake cordon again.
    pub own_roles: Vec<String>,
    /// Ports that must not be open to the world.
    pub admin_ports: Vec<u16>,
    /// How much of the internet a rule must let in to count as open to it.
    pub internet: InternetShare,
    /// Tag key that exempts a security group (any value but `false`), read live.
    pub exempt_tag: String,
    /// Also contain the principal that tampered with the audit trail.
    pub contain_principal: bool,
    /// Principals never contained automatically (names or ARNs).
    pub break_glass: Vec<String>,
    pub credentials: CredentialSettings,
}

impl TrailSettings {
    /// What counts as an exposed admin port, as configured.
    pub fn exposure(&self) -> Exposure<'_> {
        Exposure {
            admin_ports: &self.admin_ports,
            share: self.internet,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrailVerdict {
    /// `Contained`: repair; `Observed`: record for people; `Ignored`: nothing.
    pub decision: Decision,
    pub reason: String,
    pub watched: Option<Watched>,
    /// For exposed admin ports: exactly the rules to revoke.
    pub exposed: Vec<ExposedRule>,
    /// The call failed: recorded as an attempt, never repaired.
    pub attempt: bool,
    /// Made with root credentials.
    pub root: bool,
    /// Made by cordon's own role, but not as cordon acts: someone may be using it.
    pub own_role_misused: bool,
}

impl TrailVerdict {
    fn ignored(reason: impl Into<String>) -> Self {
        Self {
            decision: Decision::Ignored,
            reason: reason.into(),
            watched: None,
            exposed: Vec::new(),
            attempt: false,
            root: false,
            own_role_misused: false,
        }
    }
}

/// Whether cordon itself made the call, by its session's role.
fn made_by_cordon(identity: &CallerIdentity, own_roles: &[String]) -> Option<String> {
    [&identity.session_issuer_arn, &identity.arn]
        .into_iter()
        .flatten()
        .find(|arn| own_roles.iter().any(|own| own == *arn))
        .cloned()
}

/// Decides what to do with a CloudTrail event: repair, record for people, or ignore.
pub fn triage(
    envelope: &Envelope,
    event: &CloudTrailEvent,
    settings: &TrailSettings,
) -> TrailVerdict {
    if !settings.allowed_accounts.contains(&envelope.account) {
        return TrailVerdict::ignored(format!(
            "account {} is not one cordon may act in; refused",
            envelope.account
        ));
    }
    // cordon's own calls never wake it again, except a policy write that is not the
    // session deny cordon writes: whoever holds the role may be misusing it.
    let misuse = match made_by_cordon(&event.identity, &settings.own_roles) {
        None => None,
        Some(role) => match own_policy_write(event) {
            None => {
                return TrailVerdict::ignored(format!(
                    "{} by cordon's own role {role}: ignored, so cordon never answers itself",
                    event.event_name
                ));
            }
            Some(what) => Some(format!(
                "cordon's own role {role} {what}, which cordon never writes: the role may be misused"
            )),
        },
    };
    let caller = describe_caller(&event.identity);
    let root = event.identity.identity_type == "Root" && event.identity.invoked_by.is_none();
    let watched = match event.kind {
        CloudTrailEventKind::ConsoleSignIn => match sign_in_watched(event, root) {
            Some(watched) => watched,
            None => {
                return TrailVerdict::ignored(format!(
                    "{caller} signed in to the console with MFA"
                ));
            }
        },
        CloudTrailEventKind::ApiCall => {
            match (watched_call(&event.event_source, &event.event_name), root) {
                (Some(watched), _) => *watched,
                (None, true) => ROOT_ACTIVITY,
                (None, false) => {
                    return TrailVerdict::ignored(format!(
                        "{} {} is not a call cordon watches",
                        event.event_source, event.event_name
                    ));
                }
            }
        }
    };
    if event.event_name == "UpdateDetector"
        && event
            .request_parameters
            .get("enable")
            .and_then(|v| v.as_bool())
            != Some(false)
    {
        return TrailVerdict::ignored("UpdateDetector left the detector enabled");
    }
    let attempt = event.kind == CloudTrailEventKind::ApiCall && event.error.is_some();
    let mut verdict = TrailVerdict {
        decision: Decision::Observed,
        reason: String::new(),
        watched: Some(watched),
        exposed: Vec::new(),
        attempt,
        root,
        own_role_misused: misuse.is_some(),
    };
    if attempt {
        let code = event
            .error
            .as_ref()
            .and_then(|e| e.code.as_deref())
            .unwrap_or("an error");
        verdict.reason = format!(
            "{caller} attempted {} and it failed with {code}: recorded as an attempt, nothing to repair",
            event.event_name
        );
        return with_misuse(verdict, misuse);
    }
    match watched.repair {
        Repair::RecordOnly if watched.family == Family::RiskyChange => {
            verdict.reason = format!(
                "{caller} {} ({}): recorded for people to confirm ({})",
                watched.what, event.event_name, watched.controls
            );
        }
        Repair::RecordOnly => {
            verdict.reason = format!(
                "{caller} {} ({}): recorded for people, as no single call safely restores it",
                watched.what, event.event_name
            );
        }
        Repair::StartLogging | Repair::StartRecorder => {
            verdict.decision = Decision::Contained;
            verdict.reason = format!("{caller} {} ({})", watched.what, event.event_name);
        }
        Repair::RevokeExposedIngress => {
            let exposed = match (&event.ingress, &event.modification) {
                (Some(change), _) => exposed_rules(change, settings.exposure()),
                (None, Some(rewrite)) => rewritten_rules(rewrite, settings.exposure()),
                (None, None) => Vec::new(),
            };
            if exposed.is_empty() {
                return TrailVerdict::ignored(format!(
                    "{caller}'s {} opens no admin port to the internet",
                    event.event_name
                ));
            }
            let group = changed_group(event).unwrap_or_default();
            let rules: Vec<String> = exposed.iter().map(ToString::to_string).collect();
            verdict.decision = Decision::Contained;
            verdict.reason = format!("{caller} {} on {group}: {}", watched.what, rules.join(", "));
            verdict.exposed = exposed;
        }
    }
    with_misuse(verdict, misuse)
}

/// A misuse of cordon's role leads the reason: it is what people must read first.
fn with_misuse(mut verdict: TrailVerdict, misuse: Option<String>) -> TrailVerdict {
    if let Some(misuse) = misuse {
        verdict.reason = format!("{misuse}; {}", verdict.reason);
    }
    verdict
}

/// What a policy write by cordon's role did, when it is not the session deny cordon
/// writes (`cordon-revoke-older-sessions`, deny-only); `None` for any other call.
fn own_policy_write(event: &CloudTrailEvent) -> Option<String> {
    let policy_change = watched_call(&event.event_source, &event.event_name)
        .is_some_and(|w| w.event_names.contains(&"PutRolePolicy"));
    if !policy_change {
        return None;
    }
    let name = event.request_string("policyName");
    let target = event
        .request_string("roleName")
        .or_else(|| event.request_string("userName"))
        .unwrap_or("a principal");
    let inline = matches!(event.event_name.as_str(), "PutRolePolicy" | "PutUserPolicy");
    let document = event.request_string("policyDocument");
    if inline && name == Some(REVOKE_SESSIONS_POLICY) && document.is_some_and(is_revoke_only) {
        return None;
    }
    Some(match name {
        Some(name) => format!("made {} {name} on {target}", event.event_name),
        None => format!("made {} on {target}", event.event_name),
    })
}

fn sign_in_watched(event: &CloudTrailEvent, root: bool) -> Option<Watched> {
    let failed = event.error.is_some() || !event.sign_in_succeeded();
    if root {
        let what = if failed {
            "failed to sign in to the console"
        } else {
            "signed in to the console"
        };
        return Some(Watched {
            what,
            ..ROOT_ACTIVITY
        });
    }
    if failed {
        return Some(CONSOLE_SIGN_IN_FAILURE);
    }
    (event.identity.identity_type == "IAMUser" && event.mfa_used() != Some(true))
        .then_some(CONSOLE_SIGN_IN_WITHOUT_MFA)
}

/// Whether `family` events may also contain their principal.
pub(crate) fn contains_principal(family: Family) -> bool {
    family == Family::AuditTampering
}
