//! What the record says was seen inside the instance, from real-shaped findings, and
//! how it stays short and on its own lines.

use super::*;
use crate::instance::{InstanceIncident, notification, response_finding};
use crate::{Decision, Outcome};
use cordon_events::{Event, parse_event_value};
use serde_json::{Value, json};

fn finding(name: &str, edit: impl FnOnce(&mut Value)) -> GuardDutyFinding {
    let path = format!(
        "{}/../../events/guardduty/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut value: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    edit(&mut value);
    match parse_event_value(value).unwrap() {
        Event::GuardDuty(_, finding) => *finding,
        other => panic!("not a finding: {other:?}"),
    }
}

fn seen(name: &str) -> SeenOnHost {
    SeenOnHost::from_finding(&finding(name, |_| {}))
}

#[test]
fn a_runtime_finding_names_the_process_and_its_hash() {
    let seen = seen("runtime-reverse-shell.json");
    assert_eq!(
        seen.process.as_deref(),
        Some(
            "bash (pid 28813, /usr/bin/bash, sha256 5c0e1f6f0a1f4b1a3a2d0b8f4e0c9c7d6b5a4f3e2d1c0b9a8f7e6d5c4b3a2918)"
        )
    );
    assert_eq!(seen.command_line, None);
    assert!(seen.malware.is_empty());

    let command = self::seen("runtime-persistence-suspicious-command.json");
    assert_eq!(
        command.command_line.as_deref(),
        Some("crontab /tmp/.x/cron.txt")
    );
}

#[test]
fn a_malware_scan_names_each_file_and_hash() {
    let seen = seen("malware-ec2-malicious-file.json");
    assert_eq!(seen.process, None);
    assert_eq!(
        seen.malware,
        [
            "Linux.Trojan.Mirai.A: /tmp/.x/kworkerd (sha256 9d4c1a7e3b5f2d8c6a0e4b2f1d9c7a5e3b1f9d7c5a3e1b9f7d5c3a1e9b7f5d3c)",
            "Linux.Trojan.Mirai.A: /var/www/html/uploads/x.sh (sha256 1f3e5d7c9b0a2e4d6c8b0a1f3e5d7c9b1a3e5d7c9f1b3a5e7d9c1b3f5a7e9d0c)",
        ]
    );
}

#[test]
fn a_runtime_scan_names_its_threats() {
    let finding = finding("runtime-reverse-shell.json", |v| {
        v["detail"]["service"]["malwareScanDetails"] = json!({"threats": [
            {"name": "EICAR-Test-File", "itemPaths": [{"nestedItemPath": "/tmp/eicar.com", "hash": "275a"}]},
            {"name": "Unpathed", "hash": "abcd"}
        ]});
    });
    assert_eq!(
        SeenOnHost::from_finding(&finding).malware,
        [
            "EICAR-Test-File: /tmp/eicar.com (sha256 275a)",
            "Unpathed (sha256 abcd)"
        ]
    );
}

#[test]
fn a_network_finding_saw_nothing_inside() {
    assert!(seen("backdoor-c2-actor.json").is_empty());
    assert!(seen("backdoor-c2-actor.json").lines().is_empty());
}

#[test]
fn what_an_attacker_wrote_stays_short_and_on_one_line() {
    let long = "x".repeat(5000);
    let finding = finding("runtime-persistence-suspicious-command.json", |v| {
        v["detail"]["service"]["runtimeDetails"]["context"]["commandLineExample"] =
            json!("curl evil\nDone: nothing happened, all clear\r\u{1b}[2J");
        v["detail"]["service"]["runtimeDetails"]["process"]["name"] = json!(long);
        let threats: Vec<Value> = (0..40)
            .map(
                |i| json!({"name": format!("T{i}"), "filePaths": [{"filePath": format!("/f{i}")}]}),
            )
            .collect();
        v["detail"]["service"]["ebsVolumeScanDetails"] =
            json!({"scanDetections": {"threatDetectedByName": {"threatNames": threats}}});
    });
    let seen = SeenOnHost::from_finding(&finding);
    let command = seen.command_line.as_deref().unwrap();
    assert_eq!(
        command,
        "curl evil\\nDone: nothing happened, all clear\\r\\u{1b}[2J"
    );
    assert!(seen.process.as_ref().unwrap().len() <= 256);
    assert_eq!(seen.malware.len(), 6);
    assert_eq!(seen.malware[5], "… 35 more");

    let incident = InstanceIncident::from_finding(&finding).unwrap();
    let outcome = Outcome::without_steps(Decision::Contained, "isolated");
    let record = response_finding(&incident, "2025-06-13T09:41:02.907Z", &outcome);
    record.validate().unwrap();
    let message = notification(&incident, &outcome, &record);
    assert!(
        !message
            .message
            .lines()
            .any(|l| l.starts_with("Done: nothing")),
        "{}",
        message.message
    );
}

#[test]
fn the_record_and_the_message_carry_what_was_seen() {
    let incident =
        InstanceIncident::from_finding(&finding("runtime-reverse-shell.json", |_| {})).unwrap();
    let outcome = Outcome::without_steps(Decision::Contained, "isolated");
    let record = response_finding(&incident, "2025-06-13T09:36:40.118Z", &outcome);
    record.validate().unwrap();
    assert!(
        record
            .description
            .contains("Process: bash (pid 28813, /usr/bin/bash, sha256 5c0e"),
        "{}",
        record.description
    );
    assert!(record.product_fields["cordon/Process"].starts_with("bash (pid 28813"));
    assert!(!record.product_fields.contains_key("cordon/Malware"));
    let message = notification(&incident, &outcome, &record);
    assert!(
        message
            .message
            .lines()
            .any(|l| l.starts_with("Process: bash (pid 28813")),
        "{}",
        message.message
    );
    assert!(message.message.contains("\"seenOnHost\""));

    let malware =
        InstanceIncident::from_finding(&finding("malware-ec2-malicious-file.json", |_| {}))
            .unwrap();
    let record = response_finding(&malware, "2025-06-13T09:53:12.640Z", &outcome);
    assert!(record.product_fields["cordon/Malware"].contains("/tmp/.x/kworkerd (sha256 9d4c"));
    assert!(record.description.contains("Malware: Linux.Trojan.Mirai.A"));
}
