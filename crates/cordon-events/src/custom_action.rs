//! A person's decision from the Security Hub console: one of cordon's custom actions
//! (`AWS::SecurityHub::ActionTarget`) chosen on a finding, delivered as a
//! `Security Hub Findings - Custom Action` event. The event says which action and
//! which finding; what to act on comes from cordon's own ledger and GuardDuty, never
//! from the finding's content (anyone who may import findings can write that).

use crate::parse::deserialize_at;
use crate::{AccountId, Envelope, ParseError};
use serde::Deserialize;
use serde_json::Value;

pub(crate) const SOURCE: &str = "aws.securityhub";
pub(crate) const DETAIL_TYPE: &str = "Security Hub Findings - Custom Action";

/// What a person asked cordon to do with the selected finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HumanDecision {
    /// Contain the finding's resource now, though cordon only observed it (dry-run).
    Contain,
    /// Undo the containment, as `cordon release` does.
    Release,
    /// Let an incident the blast-radius breaker held back through.
    Approve,
}

impl HumanDecision {
    pub const ALL: [Self; 3] = [Self::Contain, Self::Release, Self::Approve];

    /// The custom action's name in the console (at most 20 characters).
    pub fn name(self) -> &'static str {
        match self {
            Self::Contain => "cordon-contain",
            Self::Release => "cordon-release",
            Self::Approve => "cordon-approve",
        }
    }

    /// The custom action's id, the last part of its ARN (Security Hub allows only
    /// letters and digits there).
    pub fn action_id(self) -> &'static str {
        match self {
            Self::Contain => "CordonContain",
            Self::Release => "CordonRelease",
            Self::Approve => "CordonApprove",
        }
    }

    /// The decision a custom action ARN (`arn:<partition>:securityhub:<region>:
    /// <account>:action/custom/<id>`) stands for.
    fn from_action_arn(arn: &str) -> Option<Self> {
        let id = arn.strip_prefix("arn:")?.split_once(":action/custom/")?.1;
        Self::ALL.into_iter().find(|d| d.action_id() == id)
    }
}

/// A custom action chosen on one finding.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomAction {
    pub decision: HumanDecision,
    /// The selected finding's account (`AwsAccountId`).
    pub account: AccountId,
    /// The GuardDuty finding the selected one is, or answers: a GuardDuty finding's
    /// id, or the one cordon's response finding ends with.
    pub finding_id: String,
    /// The selected finding's `Id`, for notes.
    pub selected: String,
}

#[derive(Deserialize)]
struct Detail {
    findings: Vec<SelectedFinding>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SelectedFinding {
    id: String,
    aws_account_id: AccountId,
}

/// Parses the detail of a custom-action event from `envelope`.
pub(crate) fn parse(envelope: &Envelope, detail: Value) -> Result<CustomAction, ParseError> {
    let [action] = envelope.resources.as_slice() else {
        return Err(ParseError::field(
            "resources",
            "a custom action event names exactly one action ARN",
        ));
    };
    let decision = HumanDecision::from_action_arn(action).ok_or_else(|| {
        ParseError::field(
            "resources",
            format!("{action:?} is not one of cordon's custom actions"),
        )
    })?;
    let detail: Detail = deserialize_at("detail", detail)?;
    let [finding] = detail.findings.as_slice() else {
        return Err(ParseError::field(
            "detail.findings",
            format!(
                "{} findings selected: cordon takes one finding per action",
                detail.findings.len()
            ),
        ));
    };
    let finding_id = guardduty_finding_id(&finding.id).ok_or_else(|| {
        ParseError::field(
            "detail.findings[0].Id",
            format!(
                "{:?} is neither a GuardDuty finding nor one of cordon's response findings",
                finding.id
            ),
        )
    })?;
    Ok(CustomAction {
        decision,
        account: finding.aws_account_id.clone(),
        finding_id: finding_id.to_owned(),
        selected: finding.id.clone(),
    })
}

/// The GuardDuty finding id in a Security Hub finding id: GuardDuty's own
/// (`arn:aws:guardduty:<region>:<account>:detector/<detector>/finding/<id>`) or cordon's
/// response to it (`cordon/contain-instance/<account>/<region>/<id>`, and the same for
/// the credential, bucket and Lambda playbooks).
fn guardduty_finding_id(id: &str) -> Option<&str> {
    let finding = if id.starts_with("arn:") && id.contains(":guardduty:") {
        id.split_once("/finding/")?.1
    } else if [
        "cordon/contain-instance/",
        "cordon/contain-credentials/",
        "cordon/contain-bucket/",
        "cordon/contain-lambda/",
    ]
    .iter()
    .any(|playbook| id.starts_with(playbook))
    {
        id.rsplit('/').next()?
    } else {
        return None;
    };
    // GuardDuty finding ids are lowercase letters and digits.
    let well_formed = !finding.is_empty()
        && finding.len() <= 64
        && finding
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    well_formed.then_some(finding)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_action_arn_names_the_decision() {
        let arn = |id| format!("arn:aws:securityhub:us-east-1:123456789012:action/custom/{id}");
        assert_eq!(
            HumanDecision::from_action_arn(&arn("CordonApprove")),
            Some(HumanDecision::Approve)
        );
        assert_eq!(
            HumanDecision::from_action_arn(
                &arn("CordonRelease").replace("arn:aws:", "arn:aws-us-gov:")
            ),
            Some(HumanDecision::Release)
        );
        assert_eq!(
            HumanDecision::from_action_arn(&arn("SendToTicketing")),
            None
        );
        assert!(HumanDecision::ALL.iter().all(|d| d.name().len() < 20));
    }

    #[test]
    fn the_finding_id_comes_from_guardduty_or_from_cordons_response() {
        let guardduty = "arn:aws:guardduty:us-east-1:123456789012:detector/d1/finding/b7d2f0a9c8e14b3d9f6a2e5c1b8d7f02";
        assert_eq!(
            guardduty_finding_id(guardduty),
            Some("b7d2f0a9c8e14b3d9f6a2e5c1b8d7f02")
        );
        for playbook in ["contain-instance", "contain-lambda"] {
            let response = format!(
                "cordon/{playbook}/123456789012/us-east-1/b7d2f0a9c8e14b3d9f6a2e5c1b8d7f02"
            );
            assert_eq!(
                guardduty_finding_id(&response),
                Some("b7d2f0a9c8e14b3d9f6a2e5c1b8d7f02")
            );
        }
        for other in [
            "arn:aws:securityhub:us-east-1:123456789012:subscription/cis/1.2.0/finding/abc",
            "cordon/respond-cloudtrail/123456789012/us-east-1/abc",
            "arn:aws:guardduty:us-east-1:123456789012:detector/d1/finding/../../x",
            "cordon/contain-instance/123456789012/us-east-1/",
        ] {
            assert_eq!(guardduty_finding_id(other), None, "{other}");
        }
    }
}
