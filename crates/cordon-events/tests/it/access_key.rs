//! Access-key (IAM) findings: the table of what each fixture says about the credential
//! it is about, and the checks every access-key finding in `events/guardduty/` passes.

use crate::common::{
    EVENTS_DIR, assert_fields, file_name, files_under, finding_with, guardduty, read,
};
use cordon_events::{
    AccessKeyDetails, AccessKeyId, AccessKeyKind, GuardDutyFinding, ResourceRole, parse_event,
};
use serde_json::{Value, json};
use std::path::Path;

/// What each access-key (IAM) fixture must say about the credential it is about.
struct AccessKeyFixture {
    file: &'static str,
    finding_type: &'static str,
    user_type: &'static str,
    user_name: &'static str,
    access_key_id: &'static str,
    kind: AccessKeyKind,
    principal_id: &'static str,
    /// A GuardDuty-generated sample finding.
    sample: bool,
}

impl AccessKeyFixture {
    /// The `accessKeyDetails` this fixture must carry.
    fn details(&self) -> Value {
        json!({
            "accessKeyId": self.access_key_id,
            "principalId": self.principal_id,
            "userName": self.user_name,
            "userType": self.user_type,
        })
    }
}

/// Most IAM fixtures are about alice's long-term key; only the file and type differ.
const fn alice(file: &'static str, finding_type: &'static str) -> AccessKeyFixture {
    AccessKeyFixture {
        file,
        finding_type,
        user_type: "IAMUser",
        user_name: "alice",
        access_key_id: "AKIAEXAMPLEKEY000001",
        kind: AccessKeyKind::LongTerm,
        principal_id: "AIDAEXAMPLEUSER00001",
        sample: false,
    }
}

/// For an assumed role GuardDuty names the role in userName; the session name (for an
/// instance profile, the instance id) is the part of principalId after the colon.
const fn web_server_role(file: &'static str, finding_type: &'static str) -> AccessKeyFixture {
    AccessKeyFixture {
        file,
        finding_type,
        user_type: "AssumedRole",
        user_name: "web-server-role",
        access_key_id: "ASIAEXAMPLEKEY000001",
        kind: AccessKeyKind::Temporary,
        principal_id: "AROAEXAMPLEROLE00001:i-0a1b2c3d4e5f60001",
        sample: false,
    }
}

const ACCESS_KEY_FIXTURES: &[AccessKeyFixture] = &[
    alice(
        "iam-user-credential-exfiltration.json",
        "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom",
    ),
    alice(
        "iam-user-tor-caller.json",
        "UnauthorizedAccess:IAMUser/TorIPCaller",
    ),
    alice("iam-user-pentest-kali.json", "PenTest:IAMUser/KaliLinux"),
    AccessKeyFixture {
        file: "iam-user-exempt.json",
        finding_type: "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom",
        user_type: "IAMUser",
        user_name: "break-glass-admin",
        access_key_id: "AKIAEXAMPLEKEY000009",
        kind: AccessKeyKind::LongTerm,
        principal_id: "AIDAEXAMPLEUSER00009",
        sample: false,
    },
    web_server_role(
        "instance-credential-exfiltration.json",
        "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
    ),
    web_server_role(
        "instance-credential-exfiltration-inside.json",
        "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS",
    ),
    // Root: the principal id is the account id; userName is "Root" (or the account alias).
    AccessKeyFixture {
        file: "root-credential-usage.json",
        finding_type: "Policy:IAMUser/RootCredentialUsage",
        user_type: "Root",
        user_name: "Root",
        access_key_id: "ASIAEXAMPLEKEY000002",
        kind: AccessKeyKind::Temporary,
        principal_id: "123456789012",
        sample: false,
    },
    // GetFederationToken: the principal id is `account:federated-name`.
    AccessKeyFixture {
        file: "federated-user-anomalous.json",
        finding_type: "Exfiltration:IAMUser/AnomalousBehavior",
        user_type: "FederatedUser",
        user_name: "dana",
        access_key_id: "ASIAEXAMPLEKEY000003",
        kind: AccessKeyKind::Temporary,
        principal_id: "123456789012:dana",
        sample: false,
    },
    // The anomaly-detection families: one type each, as GuardDuty words them.
    alice(
        "iam-user-privilege-escalation-anomalous.json",
        "PrivilegeEscalation:IAMUser/AnomalousBehavior",
    ),
    alice(
        "iam-user-discovery-anomalous.json",
        "Discovery:IAMUser/AnomalousBehavior",
    ),
    alice(
        "iam-user-defense-evasion-anomalous.json",
        "DefenseEvasion:IAMUser/AnomalousBehavior",
    ),
    alice(
        "iam-user-stealth-logging-disabled.json",
        "Stealth:IAMUser/CloudTrailLoggingDisabled",
    ),
    // An attack sequence names the credential behind the chain like other IAM findings;
    // its actors (checked in `attack_sequences_name_their_actors_credentials`) may add more.
    alice(
        "attack-sequence-compromised-credentials.json",
        "AttackSequence:IAM/CompromisedCredentials",
    ),
    AccessKeyFixture {
        file: "iam-user-sample-finding.json",
        finding_type: "UnauthorizedAccess:IAMUser/TorIPCaller",
        user_type: "IAMUser",
        user_name: "GeneratedFindingUserName",
        access_key_id: "GeneratedFindingAccessKeyId",
        kind: AccessKeyKind::Unknown,
        principal_id: "GeneratedFindingPrincipalId",
        sample: true,
    },
];

/// The credential's fields as parsed, by their names in `accessKeyDetails`.
fn credential(details: &AccessKeyDetails) -> [(&'static str, Option<&str>); 4] {
    [
        (
            "accessKeyId",
            details.access_key_id.as_ref().map(AccessKeyId::as_str),
        ),
        ("principalId", details.principal_id.as_deref()),
        ("userName", details.user_name.as_deref()),
        ("userType", details.user_type.as_deref()),
    ]
}

fn details<'a>(name: &str, finding: &'a GuardDutyFinding) -> &'a AccessKeyDetails {
    finding
        .resource
        .access_key_details
        .as_ref()
        .unwrap_or_else(|| panic!("{name}: access key details"))
}

#[test]
fn access_key_fixtures_name_the_credential() {
    for expected in ACCESS_KEY_FIXTURES {
        let name = expected.file;
        let raw = read("guardduty", name);
        let (_, finding) = guardduty(parse_event(&raw).unwrap_or_else(|e| panic!("{name}: {e}")));
        assert_eq!(finding.finding_type, expected.finding_type, "{name}");
        assert_eq!(finding.resource.resource_type, "AccessKey", "{name}");
        assert_eq!(finding.resource.instance_details, None, "{name}");
        let details = details(name, &finding);
        assert_fields(name, &expected.details(), &credential(details));
        let key = details
            .access_key_id
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: access key id"));
        assert_eq!(key.kind(), expected.kind, "{name}");
        // GuardDuty reports the credential as the TARGET of the activity; an attack
        // sequence, a chain of activities, gives no role.
        let role = match finding.sequence() {
            Some(_) => None,
            None => Some(ResourceRole::Target),
        };
        assert_eq!(finding.service.resource_role, role, "{name}");
        assert_eq!(finding.is_sample(), expected.sample, "{name}");
    }
}

#[test]
fn every_access_key_fixture_has_expectations() {
    let mut on_disk: Vec<String> = files_under(&Path::new(EVENTS_DIR).join("guardduty"))
        .into_iter()
        .filter(|file| {
            let json: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
            json["detail"]["resource"]["resourceType"] == "AccessKey"
        })
        .map(|file| file_name(&file).to_owned())
        .collect();
    on_disk.sort();
    let mut in_table: Vec<String> = ACCESS_KEY_FIXTURES
        .iter()
        .map(|f| f.file.to_owned())
        .collect();
    in_table.sort();
    assert_eq!(
        on_disk, in_table,
        "add the new access-key fixture to ACCESS_KEY_FIXTURES"
    );
}

/// Every field of `accessKeyDetails` is carried over as given; an access-key finding
/// names no instance.
pub fn check_resource(name: &str, finding: &GuardDutyFinding, detail: &Value) {
    let raw = &detail["resource"]["accessKeyDetails"];
    assert!(raw.is_object(), "{name}: accessKeyDetails");
    let fields = credential(details(name, finding));
    assert_fields(name, raw, &fields);
    assert_eq!(finding.resource.instance_details, None, "{name}");
    // An access-key finding is about an API call; an attack sequence about a chain of
    // them, in its sequence rather than an action.
    let expected_action = match finding.sequence() {
        Some(_) => None,
        None => Some("AWS_API_CALL"),
    };
    assert_eq!(
        detail["service"]["action"]["actionType"].as_str(),
        expected_action,
        "{name}"
    );
    let reserialised = serde_json::to_value(finding).expect("serialises");
    for (field, ..) in fields {
        assert_eq!(
            reserialised["resource"]["accessKeyDetails"][field], raw[field],
            "{name}: {field}"
        );
    }
}

#[test]
fn non_instance_findings_parse_without_instance_details() {
    let finding = finding_with(|v| {
        v["detail"]["type"] =
            json!("UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS");
        v["detail"]["resource"] = json!({"resourceType": "AccessKey"});
    });
    assert_eq!(finding.resource.resource_type, "AccessKey");
    assert!(finding.resource.instance_details.is_none());
}
