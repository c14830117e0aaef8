//! The `events/invalid/` table: the field each malformed event must be refused on.

use crate::common::{expectation, field_error, file_name};
use cordon_events::parse_event;
use std::path::Path;

/// What parsing an invalid fixture must report.
pub struct Invalid {
    file: &'static str,
    /// The exact `path` of the `ParseError::Field`.
    path: &'static str,
    /// Must appear in the error's path or message.
    mentions: &'static str,
}

pub const INVALID: &[Invalid] = &[
    Invalid {
        file: "lambda-function-name-not-its-arn.json",
        path: "detail.resource.lambdaDetails.functionName",
        mentions: "billing/../thumbnailer",
    },
    Invalid {
        file: "guardduty-region-mismatch.json",
        path: "detail.region",
        mentions: "eu-west-1",
    },
    Invalid {
        file: "guardduty-malformed-region.json",
        path: "detail.region",
        mentions: "mars-1",
    },
    Invalid {
        file: "cloudtrail-untrusted-source.json",
        path: "source",
        mentions: "custom.attacker",
    },
    Invalid {
        file: "bad-account-id.json",
        path: "detail.accountId",
        mentions: "12345",
    },
    Invalid {
        file: "bad-instance-id.json",
        path: "detail.resource.instanceDetails.instanceId",
        mentions: "i-XYZ",
    },
    Invalid {
        file: "cloudtrail-missing-event-id.json",
        path: "detail.eventID",
        mentions: "eventID",
    },
    Invalid {
        file: "cloudtrail-bad-access-key.json",
        path: "detail.userIdentity.accessKeyId",
        mentions: "AKIA../../x",
    },
    Invalid {
        file: "cloudtrail-ingress-bad-group.json",
        path: "detail.requestParameters.groupId",
        mentions: "sg-../x",
    },
    Invalid {
        file: "missing-detail-type.json",
        path: "detail-type",
        mentions: "detail-type",
    },
    Invalid {
        file: "missing-network-interfaces.json",
        path: "detail.resource.instanceDetails.networkInterfaces",
        mentions: "networkInterfaces",
    },
    Invalid {
        file: "severity-not-a-number.json",
        path: "detail.severity",
        mentions: "high",
    },
    Invalid {
        file: "custom-action-two-findings.json",
        path: "detail.findings",
        mentions: "one finding per action",
    },
    Invalid {
        file: "custom-action-not-cordons.json",
        path: "resources",
        mentions: "SendToTicketing",
    },
];

pub fn check_invalid(file: &Path, raw: &[u8]) {
    let name = file_name(file);
    let expected = expectation(INVALID, |i| i.file, "invalid", name);
    let (path, message) = field_error(parse_event(raw));
    assert_eq!(path, expected.path, "{name}: {message}");
    assert!(
        path.contains(expected.mentions) || message.contains(expected.mentions),
        "{name}: `{path}`: {message} should mention {}",
        expected.mentions
    );
}
