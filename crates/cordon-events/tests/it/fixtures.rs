//! Every event file in the repository's `events/` directory is checked here: valid
//! events must parse and keep their key fields, invalid ones must fail with a
//! `ParseError::Field` naming the offending field. Each folder's expectations live in a
//! file of their own (`guardduty`, `cloudtrail`, `samples`, `custom_action`, `invalid`);
//! a new subdirectory, or a new fixture without an expectation, fails the walk so no
//! file goes untested.

use crate::common::{EVENTS_DIR, category, files_under};
use cordon_events::{Event, parse_event, parse_event_value};
use serde_json::{Value, json};
use std::path::Path;

#[test]
fn every_event_file_has_a_test_and_passes_it() {
    let files = files_under(Path::new(EVENTS_DIR));
    let (mut valid, mut invalid) = (0, 0);
    for file in &files {
        let raw = std::fs::read(file).expect("readable fixture");
        match category(file).as_str() {
            "guardduty" => {
                crate::guardduty::check_valid(file, &raw);
                valid += 1;
            }
            "cloudtrail" => {
                crate::cloudtrail::check_valid(file, &raw);
                valid += 1;
            }
            "guardduty-samples" => {
                crate::samples::check_generated(file, &raw);
                valid += 1;
            }
            "securityhub" => {
                crate::custom_action::check_valid(file, &raw);
                valid += 1;
            }
            "invalid" => {
                crate::invalid::check_invalid(file, &raw);
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
        crate::invalid::INVALID.len(),
        "every invalid expectation must have its file"
    );
}

#[test]
fn every_sample_names_where_cordon_would_act() {
    for file in files_under(Path::new(EVENTS_DIR)) {
        // A custom action acts where its remembered finding was reported.
        if matches!(category(&file).as_str(), "invalid" | "securityhub") {
            continue;
        }
        let event = parse_event(&std::fs::read(&file).unwrap()).unwrap();
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
