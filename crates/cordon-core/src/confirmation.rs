//! Trust sources, not claims: a GuardDuty event is only a claim that GuardDuty reported a
//! finding, so the finding is read back and triage runs on what GuardDuty says; what
//! the records quote of it (the process, the malware) is GuardDuty's word too.

use crate::ports::{ReportedActor, ReportedFinding};
use cordon_events::{AdditionalInfo, GuardDutyFinding};

#[derive(Clone, Debug, PartialEq)]
pub enum Confirmation {
    /// GuardDuty reported it: the event's finding with what GuardDuty says now
    /// (severity, resource role, archived, sample, last update).
    Reported(Box<GuardDutyFinding>),
    /// GuardDuty does not know it, or knows a different finding under that id.
    Unconfirmed(String),
}

/// What GuardDuty's own record makes of the event's finding, asked before anything is
/// touched: an event GuardDuty does not confirm changes nothing and is recorded as a
/// possible forgery.
pub fn confirm(event: &GuardDutyFinding, reported: Option<&ReportedFinding>) -> Confirmation {
    let Some(reported) = reported else {
        return Confirmation::Unconfirmed(format!(
            "GuardDuty has no finding {} in detector {}",
            event.id,
            event
                .service
                .detector_id
                .as_deref()
                .unwrap_or("(none named)")
        ));
    };
    let claimed = |field: &str, event: Option<&str>, guardduty: Option<&str>| {
        (event != guardduty).then(|| {
            format!(
                "the event says {field} {}, GuardDuty says {}",
                event.unwrap_or("(none)"),
                guardduty.unwrap_or("(none)")
            )
        })
    };
    let instance = event
        .resource
        .instance_details
        .as_ref()
        .map(|d| d.instance_id.as_str());
    let key = event
        .resource
        .access_key_details
        .as_ref()
        .and_then(|d| d.access_key_id.as_ref())
        .map(|k| k.as_str());
    // A Lambda finding names the function the playbook would throttle.
    let function = event.resource.lambda_details.as_ref();
    let differences: Vec<String> = [
        claimed(
            "account",
            Some(event.account_id.as_str()),
            Some(&reported.account_id),
        ),
        claimed(
            "type",
            Some(&event.finding_type),
            Some(&reported.finding_type),
        ),
        instance.and_then(|i| claimed("instance", Some(i), reported.instance_id.as_deref())),
        key.and_then(|k| claimed("access key", Some(k), reported.access_key_id.as_deref())),
        actors_differ(event, reported),
        claimed_buckets(event, reported),
        function.and_then(|f| {
            claimed(
                "function",
                f.function_arn.as_deref(),
                reported.function_arn.as_deref(),
            )
        }),
        function.and_then(|f| {
            claimed(
                "function name",
                f.function_name.as_deref(),
                reported.function_name.as_deref(),
            )
        }),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !differences.is_empty() {
        return Confirmation::Unconfirmed(format!(
            "GuardDuty's finding {} is not the one the event describes: {}",
            event.id,
            differences.join("; ")
        ));
    }
    let mut finding = event.clone();
    finding.severity = reported.severity;
    finding.updated_at.clone_from(&reported.updated_at);
    finding.service.archived = Some(reported.archived);
    finding.service.resource_role = reported.resource_role;
    let host = reported.host.clone();
    finding.service.runtime_details = host.runtime_details;
    finding.service.ebs_volume_scan_details = host.ebs_volume_scan_details;
    finding.service.malware_scan_details = host.malware_scan_details;
    let info = finding
        .service
        .additional_info
        .get_or_insert_with(AdditionalInfo::default);
    info.sample = Some(reported.sample);
    if !reported.sample {
        // GuardDuty says it is real: a sample flag repeated in the event's text is not.
        info.value = None;
    }
    Confirmation::Reported(Box::new(finding))
}

/// An attack sequence's actors name the credentials cordon would contain: the event
/// must name exactly the identities GuardDuty's record does.
fn actors_differ(event: &GuardDutyFinding, reported: &ReportedFinding) -> Option<String> {
    let mut claimed: Vec<ReportedActor> = event
        .sequence()
        .into_iter()
        .flat_map(|s| s.actors.iter())
        .filter_map(|a| a.user.as_ref())
        .map(|user| ReportedActor {
            access_key_id: user.credential_uid.as_ref().map(|k| k.as_str().to_owned()),
            user_name: user.name.clone(),
            user_type: user.user_type.clone(),
        })
        .collect();
    let mut reported = reported.sequence_actors.clone();
    claimed.sort();
    claimed.dedup();
    reported.sort();
    reported.dedup();
    let list = |actors: &[ReportedActor]| match actors {
        [] => "none".to_owned(),
        actors => actors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    };
    (claimed != reported).then(|| {
        format!(
            "the event says the sequence's actors are {}, GuardDuty says {}",
            list(&claimed),
            list(&reported)
        )
    })
}

/// An S3 finding must name the same buckets GuardDuty has (the event's are all the
/// bucket playbook could act on).
fn claimed_buckets(event: &GuardDutyFinding, reported: &ReportedFinding) -> Option<String> {
    let buckets: Vec<&str> = event
        .resource
        .s3_bucket_details
        .iter()
        .map(|b| b.name.as_deref().unwrap_or("(unnamed)"))
        .collect();
    (!buckets.is_empty() && buckets != reported.bucket_names).then(|| {
        format!(
            "the event says bucket {}, GuardDuty says {}",
            buckets.join(", "),
            if reported.bucket_names.is_empty() {
                "(none)".to_owned()
            } else {
                reported.bucket_names.join(", ")
            }
        )
    })
}

#[cfg(test)]
#[path = "confirmation_tests.rs"]
mod tests;
