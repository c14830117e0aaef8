//! Where an event asks cordon to act: the account and region it names, and a name for
//! the incident. The same account triage checks against the allow-list, so the
//! clients a function acts with and the account it was allowed to act in agree.

use crate::{AccountId, Event};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionScope {
    pub account: AccountId,
    /// Well-formed, and for a finding the region its event came from (checked when
    /// the event was parsed).
    pub region: String,
    /// The finding id or CloudTrail event id: names the assumed-role session.
    pub incident: String,
}

impl Event {
    /// A GuardDuty finding acts in the finding's account and region (a delegated
    /// administrator receives its members' findings); a CloudTrail event in the
    /// account it was delivered for and the region the call was made in.
    pub fn action_scope(&self) -> Option<ActionScope> {
        let (account, region, incident) = match self {
            Self::GuardDuty(_, finding) => (&finding.account_id, &finding.region, &finding.id),
            Self::GuardDutySample(_, sample) => (&sample.account_id, &sample.region, &sample.id),
            Self::CloudTrail(envelope, event) => {
                (&envelope.account, &event.aws_region, &event.event_id)
            }
            // A custom action acts where the finding it names was reported: that comes
            // from cordon's ledger, not from this event.
            Self::CustomAction(..) | Self::Other(..) => return None,
        };
        Some(ActionScope {
            account: account.clone(),
            region: region.clone(),
            incident: incident.clone(),
        })
    }
}

/// `us-east-1`, `ap-southeast-2`, `us-gov-west-1`: letters, dashes, a final number.
pub(crate) fn is_region(name: &str) -> bool {
    let Some((head, number)) = name.rsplit_once('-') else {
        return false;
    };
    name.len() <= 32
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
        && head.split('-').count() >= 2
        && head
            .split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::is_region;

    #[test]
    fn regions_are_recognised_and_nothing_else() {
        for good in [
            "us-east-1",
            "ap-southeast-2",
            "us-gov-west-1",
            "eu-central-2",
        ] {
            assert!(is_region(good), "{good}");
        }
        for bad in [
            "",
            "us",
            "us-east",
            "US-EAST-1",
            "us-east-x",
            "../x-1",
            "us--1",
            "a.b-c-1",
        ] {
            assert!(!is_region(bad), "{bad}");
        }
    }
}
