//! The instance's credentials: take its profile away so it gets no new ones, and deny
//! the role's sessions issued before now so the ones already stolen stop working.

use super::Context;
use crate::exemption::is_break_glass;
use crate::names::{INSTANCE_PROFILE_TAG, REVOKE_SESSIONS_POLICY};
use crate::ports::{
    InstanceCredentials, NetworkIsolation, PortError, Principal, ProfileAssociation,
};
use crate::revocation::{already_revoked, revoke_and_verify};
use crate::{Exemption, Step, StepKind, StepReport, StepStatus};
use cordon_events::InstanceId;

/// Every read comes first, side by side: the association, and — from the profile the
/// finding names — the role, its current revoke policy and who else uses the profile.
/// Only when the finding names no profile, or not the live one, do those reads wait
/// for the association.
pub(super) async fn contain<C: InstanceCredentials, N: NetworkIsolation>(
    credentials: &C,
    network: &N,
    cx: &Context<'_>,
) -> Vec<StepReport> {
    let Some(disassociate) = cx.plan.step(StepKind::DisassociateInstanceProfile) else {
        return Vec::new();
    };
    let revoke = cx.plan.step(StepKind::RevokeRoleSessions);
    let steps: Vec<&Step> = [Some(disassociate), revoke].into_iter().flatten().collect();
    let instance = &cx.incident.instance_id;
    let named = cx.incident.instance_profile_arn.as_deref();
    let (association, early) =
        futures_util::join!(credentials.profile_association(instance), async {
            match named {
                Some(profile) => Some(read_profile(credentials, profile, revoke.is_some()).await),
                None => None,
            }
        });
    let association = match association {
        Ok(association) => association,
        Err(err) => return steps.iter().map(|s| s.failed(&err)).collect(),
    };
    // The live association wins over what the finding saw.
    let profile = association
        .as_ref()
        .map(|a| a.profile_arn.as_str())
        .or(named);
    let Some(profile) = profile else {
        return steps
            .iter()
            .map(|s| s.report(StepStatus::Skipped, "the instance has no instance profile"))
            .collect();
    };
    let facts = match early.filter(|facts| facts.profile == profile) {
        Some(facts) => facts,
        None => read_profile(credentials, profile, revoke.is_some()).await,
    };
    if let Some(association) = &association {
        cx.keep(
            instance.as_str(),
            INSTANCE_PROFILE_TAG,
            &association.profile_arn,
        );
    }
    let revoking = revoke.map(|step| (step, planned_revocation(cx, step, &facts)));
    let (disassociated, revoked) = futures_util::join!(
        disassociate_profile(
            credentials,
            network,
            instance,
            disassociate,
            association.as_ref()
        ),
        async {
            match revoking {
                Some((step, revocation)) => Some(revocation.carry_out(credentials, cx, step).await),
                None => None,
            }
        },
    );
    let shared = shared_with(instance, profile, &facts.sharing);
    [disassociated]
        .into_iter()
        .chain(revoked)
        .map(|mut report| {
            if report.status.is_ok() {
                report.detail = format!("{}; {shared}", report.detail);
            }
            report
        })
        .collect()
}

/// What the reads found about one instance profile.
struct ProfileFacts {
    profile: String,
    /// The profile's role; looked up only when sessions are to be revoked.
    role: Result<Option<RoleFacts>, PortError>,
    sharing: Result<Vec<InstanceId>, PortError>,
}

struct RoleFacts {
    name: String,
    /// Its current revoke policy document.
    document: Option<String>,
    /// Read live: an exempt role is left alone, an unreadable one too.
    tags: Result<Vec<(String, String)>, PortError>,
}

async fn read_profile<C: InstanceCredentials>(
    credentials: &C,
    profile: &str,
    revoking: bool,
) -> ProfileFacts {
    let role = async {
        if !revoking {
            return Ok(None);
        }
        let Some(role) = credentials.profile_roles(profile).await?.into_iter().next() else {
            return Ok(None);
        };
        let (document, tags) = futures_util::join!(
            credentials.role_policy(&role, REVOKE_SESSIONS_POLICY),
            credentials.role_tags(&role)
        );
        Ok(Some(RoleFacts {
            name: role,
            document: document?,
            tags,
        }))
    };
    let (role, sharing) = futures_util::join!(role, credentials.instances_using_profile(profile));
    ProfileFacts {
        profile: profile.to_owned(),
        role,
        sharing,
    }
}

/// What revoking comes to, decided from the reads alone.
enum Revocation {
    /// Reported without a change: skipped, failed reading, or already covered.
    Decided(StepReport),
    /// The role whose policy is to be written.
    Write(String),
}

fn planned_revocation(cx: &Context<'_>, step: &Step, facts: &ProfileFacts) -> Revocation {
    let profile = &facts.profile;
    match &facts.role {
        Ok(Some(role)) => {
            if let Some(report) = hands_off(cx, step, role) {
                return Revocation::Decided(report);
            }
            let (since, now) = (cx.incident.updated_at.as_str(), cx.now);
            match already_revoked(step, &role.name, role.document.as_deref(), since, now) {
                Some(report) => Revocation::Decided(report),
                None => Revocation::Write(role.name.clone()),
            }
        }
        Ok(None) => Revocation::Decided(
            step.report(StepStatus::Skipped, format!("{profile} has no role")),
        ),
        // Retrying cannot bring a deleted profile back; people must find the role. (A
        // missing policy reads as none, so only the profile lookup answers this.)
        Err(err) if err.code.as_deref() == Some("NoSuchEntity") => Revocation::Decided(step.report(
            StepStatus::Skipped,
            format!(
                "{profile} no longer exists, so its role cannot be found: revoke that role's sessions by hand"
            ),
        )),
        Err(err) => Revocation::Decided(step.failed(err)),
    }
}

/// The instance's role is a principal like any other: a break-glass or exempt role's
/// sessions are not revoked, and one whose tags cannot be read is not touched.
fn hands_off(cx: &Context<'_>, step: &Step, role: &RoleFacts) -> Option<StepReport> {
    let name = &role.name;
    let principal = Principal::Role(name.clone());
    if is_break_glass(
        &principal,
        &cx.incident.account_id,
        &cx.hands_off.break_glass,
    ) {
        return Some(step.report(
            StepStatus::Skipped,
            format!("{name} is a break-glass principal: its sessions are not revoked"),
        ));
    }
    match &role.tags {
        Err(err) => Some(StepReport {
            detail: format!(
                "not revoking {name}'s sessions: its exemption could not be read ({err})"
            ),
            ..step.failed(err)
        }),
        Ok(tags) => match Exemption::from_tags(tags, &cx.hands_off.exempt_tag) {
            Exemption::Exempt(tag) => Some(step.report(
                StepStatus::Skipped,
                format!("{name} is exempt by tag {tag}: its sessions are not revoked"),
            )),
            _ => None,
        },
    }
}

impl Revocation {
    async fn carry_out<C: InstanceCredentials>(
        self,
        credentials: &C,
        cx: &Context<'_>,
        step: &Step,
    ) -> StepReport {
        let role = match self {
            Self::Decided(report) => return report,
            Self::Write(role) => role,
        };
        let role = role.as_str();
        revoke_and_verify(
            step,
            role,
            || credentials.role_policy(role, REVOKE_SESSIONS_POLICY),
            |document| async move {
                credentials
                    .put_role_policy(role, REVOKE_SESSIONS_POLICY, &document)
                    .await
            },
            cx.now,
        )
        .await
    }
}

/// The profile is recorded while it is taken away, so release can give it back; a
/// failed record leaves it taken away but fails the step, so the event is retried and
/// people see that release cannot re-associate it by itself.
async fn disassociate_profile<C: InstanceCredentials, N: NetworkIsolation>(
    credentials: &C,
    network: &N,
    instance: &InstanceId,
    step: &Step,
    association: Option<&ProfileAssociation>,
) -> StepReport {
    let Some(association) = association else {
        return step.report(StepStatus::AlreadyDone, "no instance profile associated");
    };
    let profile = &association.profile_arn;
    let tag = [(INSTANCE_PROFILE_TAG.to_owned(), profile.clone())];
    let instances = [instance.to_string()];
    let (recorded, disassociated) = futures_util::join!(
        network.tag_resources(&instances, &tag),
        credentials.disassociate_profile(&association.association_id),
    );
    let after = match disassociated {
        Ok(()) => credentials.profile_association(instance).await,
        Err(err) => return step.failed(&err),
    };
    match (after, recorded) {
        (Ok(None), Ok(())) => step.report(
            StepStatus::Done,
            format!(
                "disassociated {profile} ({}), recorded in tag {INSTANCE_PROFILE_TAG}",
                association.association_id
            ),
        ),
        (Ok(None), Err(err)) => StepReport {
            detail: format!(
                "disassociated {profile} ({}), but recording it in tag {INSTANCE_PROFILE_TAG} failed, so release cannot re-associate it by itself: {err}",
                association.association_id
            ),
            ..step.failed(&err)
        },
        (Ok(Some(still)), _) => step.report(
            StepStatus::Failed,
            format!(
                "still associated with {} after disassociation",
                still.profile_arn
            ),
        ),
        (Err(err), _) => step.failed(&err),
    }
}

/// The blast radius in words: other instances with the same profile hold the same role.
fn shared_with(
    instance: &InstanceId,
    profile: &str,
    sharing: &Result<Vec<InstanceId>, PortError>,
) -> String {
    match sharing {
        Ok(all) => {
            let others: Vec<String> = all
                .iter()
                .filter(|i| *i != instance)
                .map(ToString::to_string)
                .collect();
            match others.len() {
                0 => format!("no other instance uses {profile}"),
                n => format!(
                    "{n} other instance(s) use {profile} and its role, and lose their older sessions too: {}",
                    others.join(", ")
                ),
            }
        }
        Err(err) => format!("could not count the other instances using {profile}: {err}"),
    }
}
