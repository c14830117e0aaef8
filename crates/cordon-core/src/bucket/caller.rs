//! Who switched the block off, as the finding tells it (`accessKeyDetails` and
//! `awsApiCallAction`): for the records, and for the break-glass rule.

use crate::ports::Principal;
use cordon_events::GuardDutyFinding;

/// The caller and the call: `alice (IAMUser, AKIA…) called PutBucketPolicy from
/// 192.0.2.1`, or `None` when the finding names neither.
pub(super) fn changed_by(finding: &GuardDutyFinding) -> Option<String> {
    let key = finding.resource.access_key_details.as_ref();
    let call = finding
        .service
        .action
        .as_ref()
        .and_then(|a| a.aws_api_call_action.as_ref());
    if key.is_none() && call.is_none() {
        return None;
    }
    let mut who = match key {
        Some(k) => {
            let name = k.user_name.as_deref().unwrap_or("an unnamed principal");
            let kind = k.user_type.as_deref().unwrap_or("unknown type");
            match &k.access_key_id {
                Some(id) => format!("{name} ({kind}, {id})"),
                None => format!("{name} ({kind})"),
            }
        }
        None => "someone".to_owned(),
    };
    if let Some(api) = call.and_then(|c| c.api.as_deref()) {
        who.push_str(&format!(" called {api}"));
    }
    if let Some(ip) = call
        .and_then(|c| c.remote_ip_details.as_ref())
        .and_then(|r| r.ip_address_v4.as_deref())
    {
        who.push_str(&format!(" from {ip}"));
    }
    Some(who)
}

/// The IAM user or role that made the call, when the finding names one.
pub(super) fn caller(finding: &GuardDutyFinding) -> Option<Principal> {
    let key = finding.resource.access_key_details.as_ref()?;
    let name = key.user_name.clone()?;
    match key.user_type.as_deref()? {
        "IAMUser" => Some(Principal::User(name)),
        "AssumedRole" => Some(Principal::Role(name)),
        _ => None,
    }
}
