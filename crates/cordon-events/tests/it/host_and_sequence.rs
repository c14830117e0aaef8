//! The shapes beyond network and API-call findings: what Runtime Monitoring saw on an
//! instance, what a malware scan found on its volumes, and the chain of an attack
//! sequence with the credentials behind it. Each fixture parses to what responders
//! read first, and a malformed chain is refused with its field named.

use cordon_events::{AccessKeyKind, Event, GuardDutyFinding, ParseError, parse_event_value};
use serde_json::{Value, json};

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../../events/guardduty/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let raw = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&raw).unwrap()
}

fn parsed(event: Value) -> Result<GuardDutyFinding, ParseError> {
    match parse_event_value(event)? {
        Event::GuardDuty(_, finding) => Ok(*finding),
        other => panic!("expected a GuardDuty finding, got {other:?}"),
    }
}

fn load(name: &str) -> GuardDutyFinding {
    parsed(fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn field_error(event: Value) -> (String, String) {
    match parsed(event) {
        Err(ParseError::Field { path, message }) => (path, message),
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[test]
fn a_runtime_finding_names_the_process_and_no_resource_role() {
    let finding = load("runtime-reverse-shell.json");
    assert_eq!(finding.resource.resource_type, "Instance");
    // Runtime Monitoring findings carry no resource role: the instance's own process.
    assert_eq!(finding.service.resource_role, None);
    assert_eq!(
        finding.service.feature_name.as_deref(),
        Some("RuntimeMonitoring")
    );
    let process = finding
        .service
        .runtime_details
        .as_ref()
        .and_then(|r| r.process.as_ref())
        .expect("the process");
    assert_eq!(process.name.as_deref(), Some("bash"));
    assert_eq!(process.executable_path.as_deref(), Some("/usr/bin/bash"));
    assert_eq!(process.pid, Some(28813));
    assert_eq!(
        process.executable_sha256.as_ref().map(String::len),
        Some(64)
    );

    let command = load("runtime-persistence-suspicious-command.json");
    let context = command
        .service
        .runtime_details
        .as_ref()
        .and_then(|r| r.context.as_ref())
        .expect("the context");
    assert_eq!(
        context.command_line_example.as_deref(),
        Some("crontab /tmp/.x/cron.txt")
    );
}

#[test]
fn a_malware_scan_names_each_threat_with_its_files_and_hashes() {
    let finding = load("malware-ec2-malicious-file.json");
    assert_eq!(finding.service.resource_role, None);
    let threats = &finding
        .service
        .ebs_volume_scan_details
        .as_ref()
        .and_then(|s| s.scan_detections.as_ref())
        .and_then(|d| d.threat_detected_by_name.as_ref())
        .expect("threats by name")
        .threat_names;
    assert_eq!(threats.len(), 1);
    assert_eq!(threats[0].name.as_deref(), Some("Linux.Trojan.Mirai.A"));
    let files: Vec<&str> = threats[0]
        .file_paths
        .iter()
        .filter_map(|f| f.file_path.as_deref())
        .collect();
    assert_eq!(files, ["/tmp/.x/kworkerd", "/var/www/html/uploads/x.sh"]);
    assert!(threats[0].file_paths.iter().all(|f| f.hash.is_some()));
}

#[test]
fn a_runtime_malware_finding_carries_threats_in_malware_scan_details() {
    let mut event = fixture("runtime-reverse-shell.json");
    event["detail"]["type"] = json!("Execution:Runtime/MaliciousFileExecuted");
    event["detail"]["service"]["malwareScanDetails"] = json!({
        "threats": [{
            "name": "EICAR-Test-File",
            "source": "Amazon",
            "itemPaths": [{"nestedItemPath": "/tmp/eicar.com", "hash": "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"}]
        }]
    });
    let finding = parsed(event).unwrap();
    let threat = &finding.service.malware_scan_details.unwrap().threats[0];
    assert_eq!(threat.name.as_deref(), Some("EICAR-Test-File"));
    assert_eq!(
        threat.item_paths[0].nested_item_path.as_deref(),
        Some("/tmp/eicar.com")
    );
}

#[test]
fn attack_sequences_name_their_signals_and_their_actors_credentials() {
    let finding = load("attack-sequence-compromised-credentials.json");
    let sequence = finding.sequence().expect("the sequence");
    assert_eq!(sequence.signals.len(), 5);
    assert_eq!(
        sequence.signals[0].name,
        "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom"
    );
    assert_eq!(sequence.signals[0].signal_type, "FINDING");
    assert_eq!(sequence.signals[0].count, Some(7));
    let credentials: Vec<(&str, &str, AccessKeyKind)> = sequence
        .actors
        .iter()
        .filter_map(|a| a.user.as_ref())
        .map(|u| {
            let key = u.credential_uid.as_ref().expect("a key");
            (u.user_type.as_str(), u.name.as_str(), key.kind())
        })
        .collect();
    assert_eq!(
        credentials,
        [
            ("IAMUser", "alice", AccessKeyKind::LongTerm),
            ("AssumedRole", "web-server-role", AccessKeyKind::Temporary),
        ]
    );
    // The typed finding survives its own serialisation.
    let back: GuardDutyFinding =
        serde_json::from_value(serde_json::to_value(&finding).unwrap()).unwrap();
    assert_eq!(back, finding);
}

#[test]
fn an_attack_sequence_without_its_chain_is_refused() {
    let mut event = fixture("attack-sequence-compromised-credentials.json");
    event["detail"]["service"]
        .as_object_mut()
        .unwrap()
        .remove("detection");
    let (path, message) = field_error(event);
    assert_eq!(path, "detail.service.detection.sequence");
    assert!(message.contains("sequence of signals"), "{message}");

    let mut event = fixture("attack-sequence-compromised-credentials.json");
    event["detail"]["service"]["detection"]["sequence"]["signals"] = json!([]);
    let (path, _) = field_error(event);
    assert_eq!(path, "detail.service.detection.sequence.signals");
}

#[test]
fn an_actor_credential_that_is_not_an_access_key_is_refused_with_its_field() {
    let mut event = fixture("attack-sequence-compromised-credentials.json");
    event["detail"]["service"]["detection"]["sequence"]["actors"][1]["user"]["credentialUid"] =
        json!("ASIA../../x");
    let (path, message) = field_error(event);
    assert_eq!(
        path,
        "detail.service.detection.sequence.actors[1].user.credentialUid"
    );
    assert!(message.contains("ASIA../../x"), "{message}");
}

#[test]
fn a_sequence_on_another_finding_type_is_only_context() {
    // IAM anomaly findings carry `detection.anomaly`, not a sequence: nothing required.
    let finding = load("iam-user-privilege-escalation-anomalous.json");
    assert!(finding.service.detection.is_some());
    assert!(finding.sequence().is_none());
}
