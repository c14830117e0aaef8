//! The custom-action events Security Hub sends when a person chooses one of cordon's
//! actions: which action, and which GuardDuty finding it leads back to.

use crate::common::expectation;
use cordon_events::{Event, HumanDecision, parse_event};
use std::path::Path;

const INSTANCE_FINDING: &str = "b7d2f0a9c8e14b3d9f6a2e5c1b8d7f02";
const KEY_FINDING: &str = "e2b4d6f8a0c14e3a9b5d7f1c3e5a7b92";
const LAMBDA_FINDING: &str = "d7e1f3a5b9c24d6e8f0a1b2c3d4e5f77";

/// Each fixture in `events/securityhub/`: its decision and the finding it names.
const EXPECTED: &[(&str, HumanDecision, &str)] = &[
    (
        "custom-action-approve-credentials.json",
        HumanDecision::Approve,
        KEY_FINDING,
    ),
    (
        "custom-action-approve-instance.json",
        HumanDecision::Approve,
        INSTANCE_FINDING,
    ),
    (
        "custom-action-contain-guardduty-instance.json",
        HumanDecision::Contain,
        INSTANCE_FINDING,
    ),
    (
        "custom-action-contain-guardduty-lambda.json",
        HumanDecision::Contain,
        LAMBDA_FINDING,
    ),
    (
        "custom-action-release-lambda.json",
        HumanDecision::Release,
        LAMBDA_FINDING,
    ),
    (
        "custom-action-release-instance.json",
        HumanDecision::Release,
        INSTANCE_FINDING,
    ),
];

pub fn check_valid(file: &Path, raw: &[u8]) {
    let name = file.file_name().unwrap().to_str().unwrap();
    let (_, decision, finding_id) = expectation(EXPECTED, |(file, ..)| file, "securityhub", name);
    match parse_event(raw).unwrap_or_else(|e| panic!("{name}: {e}")) {
        Event::CustomAction(envelope, action) => {
            assert_eq!(envelope.source, "aws.securityhub", "{name}");
            assert_eq!(action.decision, *decision, "{name}");
            assert_eq!(action.finding_id, *finding_id, "{name}");
            assert_eq!(action.account.as_str(), "123456789012", "{name}");
        }
        other => panic!("{name}: expected a custom action, got {other:?}"),
    }
}
