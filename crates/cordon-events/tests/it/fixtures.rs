//! Every event file in the repository's `events/` directory is checked here: valid
//! GuardDuty findings must parse and keep their key fields, invalid ones must fail with a
//! `ParseError::Field` naming the offending field. A new subdirectory, or a new invalid
//! fixture without an expectation, fails the walk so no file goes untested.

use cordon_events::{
    AccessKeyId, AccessKeyKind, CloudTrailEventKind, Event, GuardDutyFinding, ParseError,
    ResourceRole, parse_event, parse_event_value,
};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

const EVENTS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../events");

/// A valid finding to mutate for the unit-level cases.
const BACKDOOR: &str = include_str!("../../../../events/guardduty/backdoor-c2-actor.json");

/// What parsing an invalid fixture must report.
struct Invalid {
    file: &'static str,
    /// The exact `path` of the `ParseError::Field`.
    path: &'static str,
    /// Must appear in the error's path or message.
    mentions: &'static str,
}

const INVALID: &[Invalid] = &[
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

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
    {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// The fixture's directory relative to `events/`, e.g. `guardduty`.
fn category(file: &Path) -> String {
    let root = Path::new(EVENTS_DIR);
    let relative = file.strip_prefix(root).expect("file under events/");
    let parent = relative.parent().unwrap_or(Path::new(""));
    parent.to_string_lossy().replace('\\', "/")
}

fn file_name(file: &Path) -> &str {
    file.file_name()
        .and_then(|n| n.to_str())
        .expect("UTF-8 file name")
}

fn guardduty(event: Event) -> (cordon_events::Envelope, GuardDutyFinding) {
    match event {
        Event::GuardDuty(envelope, finding) => (envelope, *finding),
        other => panic!("expected a GuardDuty event, got {other:?}"),
    }
}

fn field_error(result: Result<Event, ParseError>) -> (String, String) {
    match result {
        Err(ParseError::Field { path, message }) => (path, message),
        Err(other) => panic!("expected ParseError::Field, got {other:?}"),
        Ok(event) => panic!("expected a parse error, got {event:?}"),
    }
}

#[test]
fn every_event_file_has_a_test_and_passes_it() {
    let files = files_under(Path::new(EVENTS_DIR));
    let (mut valid, mut invalid) = (0, 0);
    for file in &files {
        let raw = std::fs::read(file).expect("readable fixture");
        match category(file).as_str() {
            "guardduty" => {
                check_valid_guardduty(file, &raw);
                valid += 1;
            }
            "cloudtrail" => {
                check_valid_cloudtrail(file, &raw);
                valid += 1;
            }
            "guardduty-samples" => {
                check_generated_sample(file, &raw);
                valid += 1;
            }
            "securityhub" => {
                crate::custom_action::check_valid(file, &raw);
                valid += 1;
            }
            "invalid" => {
                check_invalid(file, &raw);
                invalid += 1;
            }
            other => panic!(
                "{} is in `events/{other}`, which this test does not know: add expectations for it",
                file.display()
            ),
        }
    }
    assert!(
        valid >= 10,
        "expected the GuardDuty fixtures, found {valid}"
    );
    assert_eq!(
        invalid,
        INVALID.len(),
        "every invalid expectation must have its file"
    );
}

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

const ACCESS_KEY_FIXTURES: &[AccessKeyFixture] = &[
    AccessKeyFixture {
        file: "iam-user-credential-exfiltration.json",
        finding_type: "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom",
        user_type: "IAMUser",
        user_name: "alice",
        access_key_id: "AKIAEXAMPLEKEY000001",
        kind: AccessKeyKind::LongTerm,
        principal_id: "AIDAEXAMPLEUSER00001",
        sample: false,
    },
    AccessKeyFixture {
        file: "iam-user-tor-caller.json",
        finding_type: "UnauthorizedAccess:IAMUser/TorIPCaller",
        user_type: "IAMUser",
        user_name: "alice",
        access_key_id: "AKIAEXAMPLEKEY000001",
        kind: AccessKeyKind::LongTerm,
        principal_id: "AIDAEXAMPLEUSER00001",
        sample: false,
    },
    AccessKeyFixture {
        file: "iam-user-pentest-kali.json",
        finding_type: "PenTest:IAMUser/KaliLinux",
        user_type: "IAMUser",
        user_name: "alice",
        access_key_id: "AKIAEXAMPLEKEY000001",
        kind: AccessKeyKind::LongTerm,
        principal_id: "AIDAEXAMPLEUSER00001",
        sample: false,
    },
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
    // For an assumed role GuardDuty names the role in userName; the session name (for
    // an instance profile, the instance id) is the part of principalId after the colon.
    AccessKeyFixture {
        file: "instance-credential-exfiltration.json",
        finding_type: "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
        user_type: "AssumedRole",
        user_name: "web-server-role",
        access_key_id: "ASIAEXAMPLEKEY000001",
        kind: AccessKeyKind::Temporary,
        principal_id: "AROAEXAMPLEROLE00001:i-0a1b2c3d4e5f60001",
        sample: false,
    },
    AccessKeyFixture {
        file: "instance-credential-exfiltration-inside.json",
        finding_type: "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS",
        user_type: "AssumedRole",
        user_name: "web-server-role",
        access_key_id: "ASIAEXAMPLEKEY000001",
        kind: AccessKeyKind::Temporary,
        principal_id: "AROAEXAMPLEROLE00001:i-0a1b2c3d4e5f60001",
        sample: false,
    },
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
    AccessKeyFixture {
        file: "iam-user-privilege-escalation-anomalous.json",
        finding_type: "PrivilegeEscalation:IAMUser/AnomalousBehavior",
        user_type: "IAMUser",
        user_name: "alice",
        access_key_id: "AKIAEXAMPLEKEY000001",
        kind: AccessKeyKind::LongTerm,
        principal_id: "AIDAEXAMPLEUSER00001",
        sample: false,
    },
    AccessKeyFixture {
        file: "iam-user-discovery-anomalous.json",
        finding_type: "Discovery:IAMUser/AnomalousBehavior",
        user_type: "IAMUser",
        user_name: "alice",
        access_key_id: "AKIAEXAMPLEKEY000001",
        kind: AccessKeyKind::LongTerm,
        principal_id: "AIDAEXAMPLEUSER00001",
        sample: false,
    },
    AccessKeyFixture {
        file: "iam-user-defense-evasion-anomalous.json",
        finding_type: "DefenseEvasion:IAMUser/AnomalousBehavior",
        user_type: "IAMUser",
        user_name: "alice",
        access_key_id: "AKIAEXAMPLEKEY000001",
        kind: AccessKeyKind::LongTerm,
        principal_id: "AIDAEXAMPLEUSER00001",
        sample: false,
    },
    AccessKeyFixture {
        file: "iam-user-stealth-logging-disabled.json",
        finding_type: "Stealth:IAMUser/CloudTrailLoggingDisabled",
        user_type: "IAMUser",
        user_name: "alice",
        access_key_id: "AKIAEXAMPLEKEY000001",
        kind: AccessKeyKind::LongTerm,
        principal_id: "AIDAEXAMPLEUSER00001",
        sample: false,
    },
    // An attack sequence names the credential behind the chain like other IAM findings;
    // its actors (checked in `attack_sequences_name_their_actors_credentials`) may add more.
    AccessKeyFixture {
        file: "attack-sequence-compromised-credentials.json",
        finding_type: "AttackSequence:IAM/CompromisedCredentials",
        user_type: "IAMUser",
        user_name: "alice",
        access_key_id: "AKIAEXAMPLEKEY000001",
        kind: AccessKeyKind::LongTerm,
        principal_id: "AIDAEXAMPLEUSER00001",
        sample: false,
    },
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

#[test]
fn access_key_fixtures_name_the_credential() {
    for expected in ACCESS_KEY_FIXTURES {
        let name = expected.file;
        let raw = std::fs::read(format!("{EVENTS_DIR}/guardduty/{name}"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let (_, finding) = guardduty(parse_event(&raw).unwrap_or_else(|e| panic!("{name}: {e}")));
        assert_eq!(finding.finding_type, expected.finding_type, "{name}");
        assert_eq!(finding.resource.resource_type, "AccessKey", "{name}");
        assert_eq!(finding.resource.instance_details, None, "{name}");
        let details = finding
            .resource
            .access_key_details
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: access key details"));
        assert_eq!(
            details.user_type.as_deref(),
            Some(expected.user_type),
            "{name}"
        );
        assert_eq!(
            details.user_name.as_deref(),
            Some(expected.user_name),
            "{name}"
        );
        assert_eq!(
            details.principal_id.as_deref(),
            Some(expected.principal_id),
            "{name}"
        );
        let key = details
            .access_key_id
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: access key id"));
        assert_eq!(key.as_str(), expected.access_key_id, "{name}");
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

fn check_valid_guardduty(file: &Path, raw: &[u8]) {
    let name = file.display();
    let json: Value = serde_json::from_slice(raw).unwrap_or_else(|e| panic!("{name}: {e}"));
    let event = parse_event(raw).unwrap_or_else(|e| panic!("{name}: {e}"));
    let (envelope, finding) = guardduty(event);
    let detail = &json["detail"];

    assert_eq!(envelope.id, json["id"].as_str().unwrap(), "{name}");
    assert_eq!(
        envelope.account.as_str(),
        json["account"].as_str().unwrap(),
        "{name}"
    );
    assert_eq!(envelope.region, json["region"].as_str().unwrap(), "{name}");
    assert_eq!(finding.id, detail["id"].as_str().unwrap(), "{name}");
    assert_eq!(
        finding.account_id.as_str(),
        detail["accountId"].as_str().unwrap(),
        "{name}"
    );
    assert_eq!(
        finding.finding_type,
        detail["type"].as_str().unwrap(),
        "{name}"
    );
    assert_eq!(
        Some(finding.severity),
        detail["severity"].as_f64(),
        "{name}"
    );
    assert_eq!(
        finding.resource.resource_type,
        detail["resource"]["resourceType"].as_str().unwrap(),
        "{name}"
    );

    match finding.resource.resource_type.as_str() {
        "Instance" => check_instance_resource(&name.to_string(), &finding, detail),
        "AccessKey" => check_access_key_resource(&name.to_string(), &finding, detail),
        "S3Bucket" => check_s3_bucket_resource(&name.to_string(), &finding, detail),
        other => panic!("{name}: resource type {other} has no checks in this test: add them"),
    }

    let role = match detail["service"]["resourceRole"].as_str() {
        Some("ACTOR") => Some(ResourceRole::Actor),
        Some("TARGET") => Some(ResourceRole::Target),
        Some(_) => Some(ResourceRole::Unknown),
        None => None,
    };
    assert_eq!(finding.service.resource_role, role, "{name}");
    let raw_sample = detail["service"]["additionalInfo"]["sample"].as_bool() == Some(true);
    assert_eq!(finding.is_sample(), raw_sample, "{name}");

    // The typed finding survives its own serialisation unchanged.
    let reserialised = serde_json::to_value(&finding).expect("serialises");
    assert_eq!(
        reserialised["resource"]["resourceType"], detail["resource"]["resourceType"],
        "{name}"
    );
    assert_eq!(
        reserialised["severity"].as_f64(),
        detail["severity"].as_f64(),
        "{name}"
    );
    let back: GuardDutyFinding =
        serde_json::from_value(reserialised).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(back, finding, "{name}");
}

fn check_instance_resource(name: &str, finding: &GuardDutyFinding, detail: &Value) {
    let instance = &detail["resource"]["instanceDetails"];
    let details = finding
        .resource
        .instance_details
        .as_ref()
        .unwrap_or_else(|| panic!("{name}: instance details"));
    assert_eq!(
        details.instance_id.as_str(),
        instance["instanceId"].as_str().unwrap(),
        "{name}"
    );
    let raw_enis: Vec<&str> = instance["networkInterfaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|eni| eni["networkInterfaceId"].as_str().unwrap())
        .collect();
    let enis: Vec<&str> = details
        .network_interfaces
        .iter()
        .map(|eni| eni.network_interface_id.as_str())
        .collect();
    assert_eq!(enis, raw_enis, "{name}");
    assert!(!enis.is_empty(), "{name}");
    for (typed, raw) in details
        .network_interfaces
        .iter()
        .zip(instance["networkInterfaces"].as_array().unwrap())
    {
        assert_eq!(
            typed.vpc_id.as_str(),
            raw["vpcId"].as_str().unwrap(),
            "{name}"
        );
        let groups: Vec<&str> = typed
            .security_groups
            .iter()
            .map(|g| g.group_id.as_str())
            .collect();
        let raw_groups: Vec<&str> = raw["securityGroups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["groupId"].as_str().unwrap())
            .collect();
        assert_eq!(groups, raw_groups, "{name}");
    }
    let reserialised = serde_json::to_value(finding).expect("serialises");
    assert_eq!(
        reserialised["resource"]["instanceDetails"]["instanceId"], instance["instanceId"],
        "{name}"
    );
}

/// Every field of `accessKeyDetails` is carried over as given; an access-key finding
/// names no instance.
fn check_access_key_resource(name: &str, finding: &GuardDutyFinding, detail: &Value) {
    let raw = &detail["resource"]["accessKeyDetails"];
    assert!(raw.is_object(), "{name}: accessKeyDetails");
    let details = finding
        .resource
        .access_key_details
        .as_ref()
        .unwrap_or_else(|| panic!("{name}: access key details"));
    assert_eq!(
        details.access_key_id.as_ref().map(AccessKeyId::as_str),
        raw["accessKeyId"].as_str(),
        "{name}"
    );
    assert_eq!(
        details.principal_id.as_deref(),
        raw["principalId"].as_str(),
        "{name}"
    );
    assert_eq!(
        details.user_name.as_deref(),
        raw["userName"].as_str(),
        "{name}"
    );
    assert_eq!(
        details.user_type.as_deref(),
        raw["userType"].as_str(),
        "{name}"
    );
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
    for field in ["accessKeyId", "principalId", "userName", "userType"] {
        assert_eq!(
            reserialised["resource"]["accessKeyDetails"][field], raw[field],
            "{name}: {field}"
        );
    }
}

/// An S3 finding names its bucket (name and ARN), is about an API call, and GuardDuty
/// reports the bucket as the TARGET.
fn check_s3_bucket_resource(name: &str, finding: &GuardDutyFinding, detail: &Value) {
    let raw = detail["resource"]["s3BucketDetails"]
        .as_array()
        .unwrap_or_else(|| panic!("{name}: s3BucketDetails"));
    let buckets = &finding.resource.s3_bucket_details;
    assert_eq!(buckets.len(), raw.len(), "{name}");
    for (typed, raw) in buckets.iter().zip(raw) {
        assert_eq!(typed.name.as_deref(), raw["name"].as_str(), "{name}");
        assert_eq!(typed.arn.as_deref(), raw["arn"].as_str(), "{name}");
    }
    assert_eq!(finding.resource.instance_details, None, "{name}");
    assert_eq!(
        finding.service.resource_role,
        Some(ResourceRole::Target),
        "{name}"
    );
    let call = finding
        .service
        .action
        .as_ref()
        .and_then(|a| a.aws_api_call_action.as_ref())
        .unwrap_or_else(|| panic!("{name}: awsApiCallAction"));
    assert_eq!(
        call.api.as_deref(),
        detail["service"]["action"]["awsApiCallAction"]["api"].as_str(),
        "{name}"
    );
}

/// GuardDuty's generated samples, placeholders and all: recognised as samples, never
/// rejected for ids that are not ids.
fn check_generated_sample(file: &Path, raw: &[u8]) {
    let name = file_name(file);
    let text = std::str::from_utf8(raw).unwrap();
    assert!(
        text.contains("GeneratedFinding"),
        "{name}: not a generated sample"
    );
    let detail: Value = serde_json::from_slice::<Value>(raw).unwrap()["detail"].clone();
    // Placeholders that are not ids make a sample of its own kind; where every id is
    // well-formed (an access key's id is an opaque string) it parses as any finding.
    match parse_event(raw) {
        Ok(Event::GuardDutySample(envelope, sample)) => {
            assert_eq!(sample.id, detail["id"], "{name}");
            assert_eq!(sample.finding_type, detail["type"], "{name}");
            assert_eq!(sample.account_id.as_str(), detail["accountId"], "{name}");
            assert_eq!(envelope.region, sample.region, "{name}");
        }
        Ok(Event::GuardDuty(_, finding)) => {
            assert!(finding.is_sample(), "{name}");
            assert_eq!(finding.id, detail["id"], "{name}");
        }
        other => panic!("{name}: expected a GuardDuty sample, got {other:?}"),
    }
}

#[test]
fn placeholders_outside_a_sample_are_still_rejected() {
    let raw = std::fs::read(format!(
        "{EVENTS_DIR}/guardduty-samples/trojan-dga-domain-request.json"
    ))
    .unwrap();
    let mut event: Value = serde_json::from_slice(&raw).unwrap();
    event["detail"]["service"]["additionalInfo"]["sample"] = json!(false);
    let (path, message) = field_error(parse_event(event.to_string().as_bytes()));
    assert!(
        path.starts_with("detail.resource.instanceDetails"),
        "{path}: {message}"
    );
}

fn check_invalid(file: &Path, raw: &[u8]) {
    let name = file_name(file);
    let expected = INVALID.iter().find(|i| i.file == name).unwrap_or_else(|| {
        panic!("events/invalid/{name} has no expectation in this test: add one")
    });
    let (path, message) = field_error(parse_event(raw));
    assert_eq!(path, expected.path, "{name}: {message}");
    assert!(
        path.contains(expected.mentions) || message.contains(expected.mentions),
        "{name}: `{path}`: {message} should mention {}",
        expected.mentions
    );
}

#[test]
fn a_region_with_anything_around_it_is_not_a_region() {
    let mut event: serde_json::Value = serde_json::from_str(BACKDOOR).unwrap();
    for bad in ["us-east-1\n", " us-east-1", "US-EAST-1", "mars-1", ""] {
        event["region"] = bad.into();
        event["detail"]["region"] = bad.into();
        let (path, message) = field_error(parse_event(event.to_string().as_bytes()));
        assert!(
            path == "region" || path == "detail.region",
            "{bad:?}: {path}: {message}"
        );
    }
}

#[test]
fn a_missing_field_is_named_by_its_own_path() {
    let raw = std::fs::read(format!("{EVENTS_DIR}/invalid/missing-detail-type.json")).unwrap();
    let (path, message) = field_error(parse_event(&raw));
    assert_eq!(path, "detail-type", "{message}");

    let (path, _) = field_error(backdoor_with(|v| {
        v["detail"].as_object_mut().unwrap().remove("arn");
    }));
    assert_eq!(path, "detail.arn");
    let (path, _) = field_error(backdoor_with(|v| {
        v["detail"]["resource"]["instanceDetails"]["networkInterfaces"][0]
            .as_object_mut()
            .unwrap()
            .remove("vpcId");
    }));
    assert_eq!(
        path,
        "detail.resource.instanceDetails.networkInterfaces[0].vpcId"
    );
}

fn backdoor_with(edit: impl FnOnce(&mut Value)) -> Result<Event, ParseError> {
    let mut value: Value = serde_json::from_str(BACKDOOR).unwrap();
    edit(&mut value);
    parse_event_value(value)
}

fn finding_with(edit: impl FnOnce(&mut Value)) -> GuardDutyFinding {
    guardduty(backdoor_with(edit).expect("parses")).1
}

#[test]
fn sample_given_as_a_string_is_accepted_in_any_case() {
    for (given, sample) in [
        ("True", true),
        ("true", true),
        ("TRUE", true),
        ("False", false),
        ("false", false),
    ] {
        let finding =
            finding_with(|v| v["detail"]["service"]["additionalInfo"]["sample"] = json!(given));
        assert_eq!(
            finding.service.additional_info.as_ref().unwrap().sample,
            Some(sample),
            "{given}"
        );
        assert_eq!(finding.is_sample(), sample, "{given}");
    }
}

#[test]
fn sample_that_is_not_a_boolean_names_its_field() {
    let (path, message) = field_error(backdoor_with(|v| {
        v["detail"]["service"]["additionalInfo"]["sample"] = json!("yes")
    }));
    assert_eq!(path, "detail.service.additionalInfo.sample", "{message}");
    assert!(message.contains("yes"), "{message}");
}

#[test]
fn sample_inside_the_value_document_counts_without_the_sample_key() {
    let finding = finding_with(|v| {
        v["detail"]["service"]["additionalInfo"] =
            json!({"value": "{\"sample\":true}", "type": "default"});
    });
    assert_eq!(
        finding.service.additional_info.as_ref().unwrap().sample,
        None
    );
    assert!(finding.is_sample());

    for value in [
        "{\"sample\":false}",
        "{}",
        "not json",
        "{\"sample\":\"true\"}",
    ] {
        let finding =
            finding_with(|v| v["detail"]["service"]["additionalInfo"] = json!({"value": value}));
        assert!(!finding.is_sample(), "{value}");
    }
}

#[test]
fn the_fixtures_sample_flags_are_read() {
    let sample = std::fs::read(format!("{EVENTS_DIR}/guardduty/sample-finding.json")).unwrap();
    assert!(guardduty(parse_event(&sample).unwrap()).1.is_sample());
    assert!(
        !guardduty(parse_event(BACKDOOR.as_bytes()).unwrap())
            .1
            .is_sample()
    );
}

#[test]
fn archived_given_as_a_string_is_accepted() {
    for (given, archived) in [
        (json!("False"), Some(false)),
        (json!("True"), Some(true)),
        (json!(false), Some(false)),
        (Value::Null, None),
    ] {
        let finding = finding_with(|v| v["detail"]["service"]["archived"] = given.clone());
        assert_eq!(finding.service.archived, archived, "{given}");
    }
    let finding = finding_with(|v| {
        v["detail"]["service"]
            .as_object_mut()
            .unwrap()
            .remove("archived");
    });
    assert_eq!(finding.service.archived, None);

    let (path, _) = field_error(backdoor_with(|v| {
        v["detail"]["service"]["archived"] = json!("nope")
    }));
    assert_eq!(path, "detail.service.archived");
}

#[test]
fn severity_with_or_without_a_decimal_point_is_the_same_f64() {
    let whole = finding_with(|v| v["detail"]["severity"] = json!(8));
    let decimal = finding_with(|v| v["detail"]["severity"] = json!(8.0));
    assert_eq!(whole.severity, 8.0);
    assert_eq!(whole, decimal);
    let fraction = finding_with(|v| v["detail"]["severity"] = json!(5.3));
    assert_eq!(fraction.severity, 5.3);
}

#[test]
fn severity_outside_zero_to_ten_is_refused() {
    for severity in [json!(10.5), json!(-1)] {
        let (path, message) = field_error(backdoor_with(|v| {
            v["detail"]["severity"] = severity.clone()
        }));
        assert_eq!(path, "detail.severity", "{severity}");
        assert!(message.contains("0-10"), "{message}");
    }
    for edge in [json!(0), json!(10)] {
        assert!(
            backdoor_with(|v| v["detail"]["severity"] = edge.clone()).is_ok(),
            "{edge}"
        );
    }
}

#[test]
fn instance_findings_need_instance_details_and_interfaces() {
    let (path, _) = field_error(backdoor_with(|v| {
        v["detail"]["resource"]
            .as_object_mut()
            .unwrap()
            .remove("instanceDetails");
    }));
    assert_eq!(path, "detail.resource.instanceDetails");

    let (path, _) = field_error(backdoor_with(|v| {
        v["detail"]["resource"]["instanceDetails"]["networkInterfaces"] = json!([]);
    }));
    assert_eq!(path, "detail.resource.instanceDetails.networkInterfaces");

    let (path, _) = field_error(backdoor_with(|v| {
        v["detail"]["resource"]["instanceDetails"]["networkInterfaces"][0]["networkInterfaceId"] =
            json!("eni-nothex!");
    }));
    assert_eq!(
        path,
        "detail.resource.instanceDetails.networkInterfaces[0].networkInterfaceId"
    );
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

#[test]
fn unknown_resource_role_parses_as_unknown() {
    let finding = finding_with(|v| v["detail"]["service"]["resourceRole"] = json!("BYSTANDER"));
    assert_eq!(finding.service.resource_role, Some(ResourceRole::Unknown));
}

#[test]
fn input_that_is_not_json_is_a_json_error() {
    for raw in [&b"not json"[..], b"", b"{\"version\": \"0\",", b"\xff\xfe"] {
        match parse_event(raw) {
            Err(ParseError::Json(_)) => {}
            other => panic!(
                "{:?}: expected ParseError::Json, got {other:?}",
                String::from_utf8_lossy(raw)
            ),
        }
    }
}

#[test]
fn json_that_is_not_an_object_is_refused_at_the_root() {
    for raw in ["[]", "42", "\"event\"", "null"] {
        let (path, _) = field_error(parse_event(raw.as_bytes()));
        assert_eq!(path, "<root>", "{raw}");
    }
}

fn ec2_state_change() -> Value {
    json!({
        "version": "0",
        "id": "7bf73129-1428-4cd3-a780-95db273d1602",
        "detail-type": "EC2 Instance State-change Notification",
        "source": "aws.ec2",
        "account": "123456789012",
        "time": "2025-06-12T14:27:41Z",
        "region": "us-east-1",
        "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-0a1b2c3d4e5f60001"],
        "detail": {"instance-id": "i-0a1b2c3d4e5f60001", "state": "stopping"}
    })
}

#[test]
fn a_well_formed_event_of_another_kind_is_other() {
    let event = parse_event(ec2_state_change().to_string().as_bytes()).expect("parses");
    let Event::Other(envelope, detail) = &event else {
        panic!("expected Event::Other, got {event:?}");
    };
    assert_eq!(envelope.source, "aws.ec2");
    assert_eq!(
        envelope.detail_type,
        "EC2 Instance State-change Notification"
    );
    assert_eq!(envelope.account.as_str(), "123456789012");
    assert_eq!(envelope.resources.len(), 1);
    assert_eq!(detail["state"], "stopping");
    assert_eq!(event.envelope(), envelope);

    // GuardDuty's source with a detail-type cordon does not model is not a finding.
    let mut other = serde_json::from_str::<Value>(BACKDOOR).unwrap();
    other["detail-type"] = json!("GuardDuty Malware Protection Object Scan Result");
    other["detail"] = json!({"scanStatus": "COMPLETED"});
    assert!(matches!(parse_event_value(other), Ok(Event::Other(..))));
}

#[test]
fn envelope_fields_eventbridge_always_sets_are_required() {
    let cases: [(&str, Value); 5] = [
        ("id", json!("")),
        ("account", json!("12345")),
        ("region", Value::Null),
        ("version", Value::Null),
        ("detail", json!("a string")),
    ];
    for (field, value) in cases {
        let mut event = ec2_state_change();
        event[field] = value;
        let (path, message) = field_error(parse_event_value(event));
        assert_eq!(path, field, "{message}");
    }
    let mut event = ec2_state_change();
    event.as_object_mut().unwrap().remove("time");
    assert_eq!(field_error(parse_event_value(event)).0, "time");
}

/// A CloudTrail fixture: the fields the issue lists are present, the envelope agrees
/// with the record, and security-group changes name what they added.
fn check_valid_cloudtrail(file: &Path, raw: &[u8]) {
    let name = file_name(file);
    let value: Value = serde_json::from_slice(raw).unwrap();
    let (envelope, event) = match parse_event(raw).unwrap_or_else(|e| panic!("{name}: {e}")) {
        Event::CloudTrail(envelope, event) => (envelope, event),
        other => panic!("{name}: not a CloudTrail event: {other:?}"),
    };
    let detail = &value["detail"];
    let mut required = vec![
        "eventVersion",
        "userIdentity",
        "eventTime",
        "eventSource",
        "eventName",
        "awsRegion",
        "sourceIPAddress",
        "userAgent",
        "requestParameters",
        "responseElements",
        "eventID",
        "eventType",
    ];
    if event.kind == CloudTrailEventKind::ApiCall {
        required.push("requestID");
    } else {
        assert!(
            detail.get("requestID").is_none(),
            "{name}: sign-ins carry no requestID"
        );
    }
    for field in required {
        assert!(
            detail.get(field).is_some(),
            "{name}: detail.{field} missing"
        );
    }
    assert_eq!(envelope.region, event.aws_region, "{name}");
    assert_eq!(
        event.recipient_account_id.as_ref(),
        Some(&envelope.account),
        "{name}"
    );
    assert_eq!(
        value["time"], detail["eventTime"],
        "{name}: EventBridge stamps the envelope with the event's time"
    );
    if event.event_name == "AuthorizeSecurityGroupIngress" {
        let change = event
            .ingress
            .as_ref()
            .expect("a successful ingress change is parsed");
        assert!(
            change.group_id.is_some() || change.group_name.is_some(),
            "{name}"
        );
        assert!(!change.permissions.is_empty(), "{name}");
    }
    if event.event_name == "ModifySecurityGroupRules" {
        let modification = event
            .modification
            .as_ref()
            .expect("a successful modification is parsed");
        assert!(!modification.rules.is_empty(), "{name}");
    }
}

#[test]
fn cloudtrail_records_keep_what_responders_need() {
    let read = |name: &str| {
        let raw = std::fs::read(format!("{EVENTS_DIR}/cloudtrail/{name}")).unwrap();
        match parse_event(&raw).unwrap() {
            Event::CloudTrail(_, event) => event,
            other => panic!("{other:?}"),
        }
    };
    let stop = read("cloudtrail-stop-logging.json");
    assert_eq!(stop.identity.user_name.as_deref(), Some("mallory"));
    assert_eq!(
        stop.identity.access_key_id.as_ref().map(|k| k.as_str()),
        Some("AKIAEXAMPLEKEY000007")
    );
    assert!(stop.error.is_none());
    let denied = read("cloudtrail-stop-logging-denied.json");
    assert_eq!(denied.error.unwrap().code.as_deref(), Some("AccessDenied"));
    let cordon = read("cloudtrail-start-logging-by-cordon.json");
    assert_eq!(
        cordon.identity.session_issuer_arn.as_deref(),
        Some("arn:aws:iam::123456789012:role/cordon-RespondToCloudTrailFunctionRole-EXAMPLE")
    );
    let failed = read("signin-console-login-failed.json");
    assert_eq!(failed.kind, CloudTrailEventKind::ConsoleSignIn);
    assert!(failed.error.is_some() && !failed.sign_in_succeeded());
    assert!(
        failed.identity.arn.is_none(),
        "a failed IAM-user sign-in has no ARN"
    );
    let no_mfa = read("signin-console-login-without-mfa.json");
    assert_eq!(no_mfa.mfa_used(), Some(false));
    assert!(no_mfa.sign_in_succeeded());
    let ssh = read("ec2-authorize-ssh-from-anywhere.json")
        .ingress
        .unwrap();
    assert_eq!(ssh.added_rules.len(), 2);
    assert_eq!(ssh.permissions[0].cidrs, ["0.0.0.0/0", "10.0.0.0/8"]);
    let legacy = read("ec2-authorize-ssh-legacy-no-rule-ids.json")
        .ingress
        .unwrap();
    assert!(legacy.added_rules.is_empty());
}

#[test]
fn every_sample_names_where_cordon_would_act() {
    for file in files_under(Path::new(EVENTS_DIR)) {
        // A custom action acts where its remembered finding was reported.
        if matches!(category(&file).as_str(), "invalid" | "securityhub") {
            continue;
        }
        let event = cordon_events::parse_event(&std::fs::read(&file).unwrap()).unwrap();
        let scope = event
            .action_scope()
            .unwrap_or_else(|| panic!("{}: no scope", file.display()));
        let (account, region) = match &event {
            Event::GuardDuty(_, finding) => (finding.account_id.clone(), finding.region.clone()),
            Event::GuardDutySample(_, sample) => (sample.account_id.clone(), sample.region.clone()),
            Event::CloudTrail(envelope, call) => {
                (envelope.account.clone(), call.aws_region.clone())
            }
            Event::CustomAction(..) | Event::Other(..) => unreachable!(),
        };
        // The account triage checks is the account cordon acts in.
        assert_eq!(scope.account, account, "{}", file.display());
        assert_eq!(scope.region, region, "{}", file.display());
        assert!(!scope.incident.is_empty(), "{}", file.display());
    }
}

#[test]
fn every_valid_event_names_its_incident_by_finding_or_event_id() {
    for file in files_under(Path::new(EVENTS_DIR)) {
        let id_field = match category(&file).as_str() {
            "guardduty" | "guardduty-samples" => "id",
            "cloudtrail" => "eventID",
            _ => continue,
        };
        let raw = std::fs::read(&file).expect("readable fixture");
        let value: Value = serde_json::from_slice(&raw).unwrap();
        let event = parse_event(&raw).expect("a valid fixture");
        assert_eq!(
            event.incident_id(),
            value["detail"][id_field].as_str(),
            "{}",
            file.display()
        );
    }
    let other = json!({
        "version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2",
        "account": "123456789012", "time": "2024-05-01T12:00:00Z", "region": "us-east-1",
        "resources": [], "detail": {"state": "running"}
    });
    assert_eq!(parse_event_value(other).unwrap().incident_id(), None);
}
