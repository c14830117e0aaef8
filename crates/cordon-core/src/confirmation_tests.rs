//! Confirmation against GuardDuty's own record, and triage on what it says.

use super::*;
use crate::Decision;
use crate::guardduty::TriagePolicy;
use crate::instance;
use crate::ports::ReportedHost;
use cordon_events::{Event, ResourceRole, parse_event};

fn finding(raw: &str) -> GuardDutyFinding {
    match parse_event(raw.as_bytes()).unwrap() {
        Event::GuardDuty(_, finding) => *finding,
        other => panic!("not a finding: {other:?}"),
    }
}

fn instance_finding() -> GuardDutyFinding {
    finding(include_str!(
        "../../../events/guardduty/backdoor-c2-actor.json"
    ))
}

fn key_finding() -> GuardDutyFinding {
    finding(include_str!(
        "../../../events/guardduty/iam-user-credential-exfiltration.json"
    ))
}

/// What GuardDuty would return for `finding`, unchanged.
fn as_reported(finding: &GuardDutyFinding) -> ReportedFinding {
    let lambda = finding.resource.lambda_details.as_ref();
    ReportedFinding {
        account_id: finding.account_id.as_str().to_owned(),
        finding_type: finding.finding_type.clone(),
        severity: finding.severity,
        updated_at: finding.updated_at.clone(),
        archived: false,
        sample: false,
        resource_role: finding.service.resource_role,
        instance_id: finding
            .resource
            .instance_details
            .as_ref()
            .map(|d| d.instance_id.as_str().to_owned()),
        access_key_id: finding
            .resource
            .access_key_details
            .as_ref()
            .and_then(|d| d.access_key_id.as_ref())
            .map(|k| k.as_str().to_owned()),
        sequence_actors: finding
            .sequence()
            .into_iter()
            .flat_map(|s| s.actors.iter())
            .filter_map(|a| a.user.as_ref())
            .map(|u| ReportedActor {
                access_key_id: u.credential_uid.as_ref().map(|k| k.as_str().to_owned()),
                user_name: u.name.clone(),
                user_type: u.user_type.clone(),
            })
            .collect(),
        host: ReportedHost {
            runtime_details: finding.service.runtime_details.clone(),
            ebs_volume_scan_details: finding.service.ebs_volume_scan_details.clone(),
            malware_scan_details: finding.service.malware_scan_details.clone(),
        },
        bucket_names: finding
            .resource
            .s3_bucket_details
            .iter()
            .filter_map(|b| b.name.clone())
            .collect(),
        function_arn: lambda.and_then(|l| l.function_arn.clone()),
        function_name: lambda.and_then(|l| l.function_name.clone()),
    }
}

fn bucket_finding() -> GuardDutyFinding {
    finding(include_str!(
        "../../../events/guardduty/s3-bucket-public-access-granted.json"
    ))
}

fn policy() -> TriagePolicy {
    TriagePolicy {
        severity_floor: 4.0,
        allowed_accounts: vec![instance_finding().account_id],
        exempt_tag: "cordon:exempt".into(),
    }
}

#[test]
fn a_finding_guardduty_does_not_know_is_unconfirmed() {
    let event = instance_finding();
    let Confirmation::Unconfirmed(why) = confirm(&event, None) else {
        panic!("confirmed without GuardDuty");
    };
    assert!(why.contains(&event.id), "{why}");
}

#[test]
fn a_finding_guardduty_reports_as_the_event_says_is_confirmed_unchanged() {
    for event in [instance_finding(), key_finding(), bucket_finding()] {
        let Confirmation::Reported(confirmed) = confirm(&event, Some(&as_reported(&event))) else {
            panic!("unconfirmed");
        };
        assert_eq!(confirmed.id, event.id);
        assert_eq!(confirmed.severity, event.severity);
        assert!(!confirmed.is_sample());
    }
}

#[test]
fn a_different_resource_or_type_under_a_real_id_is_unconfirmed() {
    let event = instance_finding();
    let mut other_instance = as_reported(&event);
    other_instance.instance_id = Some("i-0123456789abcdef0".into());
    let mut other_type = as_reported(&event);
    other_type.finding_type = "Recon:EC2/Portscan".into();
    let mut other_account = as_reported(&event);
    other_account.account_id = "210987654321".into();
    for (reported, field) in [
        (other_instance, "instance"),
        (other_type, "type"),
        (other_account, "account"),
    ] {
        let Confirmation::Unconfirmed(why) = confirm(&event, Some(&reported)) else {
            panic!("{field}: confirmed a finding GuardDuty describes differently");
        };
        assert!(why.contains(field), "{why}");
    }
    let key = key_finding();
    let mut other_key = as_reported(&key);
    other_key.access_key_id = Some("AKIAIOSFODNN7EXAMPLE".into());
    assert!(matches!(
        confirm(&key, Some(&other_key)),
        Confirmation::Unconfirmed(_)
    ));
}

#[test]
fn triage_decides_on_what_guardduty_says_not_on_the_event() {
    let event = instance_finding();
    assert_eq!(
        instance::triage(&event, &policy()).decision,
        Decision::Contained
    );
    let mut archived = as_reported(&event);
    archived.archived = true;
    let mut victim = as_reported(&event);
    victim.resource_role = Some(ResourceRole::Target);
    let mut low = as_reported(&event);
    low.severity = 2.0;
    let mut sample = as_reported(&event);
    sample.sample = true;
    for (reported, why) in [
        (archived, "archived"),
        (victim, "TARGET"),
        (low, "severity"),
        (sample, "sample"),
    ] {
        let Confirmation::Reported(confirmed) = confirm(&event, Some(&reported)) else {
            panic!("unconfirmed");
        };
        let verdict = instance::triage(&confirmed, &policy());
        assert_ne!(verdict.decision, Decision::Contained, "{why}");
        assert!(
            verdict.reason.to_lowercase().contains(&why.to_lowercase()),
            "{why}: {}",
            verdict.reason
        );
    }
}

#[test]
fn an_event_claiming_a_sample_guardduty_says_is_real_is_triaged_as_real() {
    let mut event = instance_finding();
    event.service.additional_info = Some(AdditionalInfo {
        value: Some(r#"{"sample":true}"#.into()),
        ..AdditionalInfo::default()
    });
    assert!(event.is_sample());
    let Confirmation::Reported(confirmed) = confirm(&event, Some(&as_reported(&event))) else {
        panic!("unconfirmed");
    };
    assert!(!confirmed.is_sample());
}

fn sequence_finding() -> GuardDutyFinding {
    finding(include_str!(
        "../../../events/guardduty/attack-sequence-compromised-credentials.json"
    ))
}

#[test]
fn an_attack_sequence_is_confirmed_only_with_guardduty_s_actors() {
    let event = sequence_finding();
    assert!(matches!(
        confirm(&event, Some(&as_reported(&event))),
        Confirmation::Reported(_)
    ));
    // Someone added a credential to the chain, or changed whose it is: cordon would
    // disable a key or deny a principal GuardDuty never named.
    let mut added = as_reported(&event);
    added.sequence_actors.pop();
    let mut renamed = as_reported(&event);
    renamed.sequence_actors[0].user_name = "bob".into();
    let mut no_chain = as_reported(&event);
    no_chain.sequence_actors.clear();
    for reported in [added, renamed, no_chain] {
        let Confirmation::Unconfirmed(why) = confirm(&event, Some(&reported)) else {
            panic!("confirmed actors GuardDuty does not report: {reported:?}");
        };
        assert!(why.contains("sequence's actors"), "{why}");
        assert!(why.contains("AssumedRole web-server-role"), "{why}");
    }
}

#[test]
fn what_the_records_quote_of_the_instance_is_guardduty_s() {
    let event = finding(include_str!(
        "../../../events/guardduty/runtime-reverse-shell.json"
    ));
    let mut reported = as_reported(&event);
    let process = reported
        .host
        .runtime_details
        .as_mut()
        .and_then(|r| r.process.as_mut())
        .unwrap();
    process.name = Some("python3".into());
    let Confirmation::Reported(confirmed) = confirm(&event, Some(&reported)) else {
        panic!("unconfirmed");
    };
    let seen = instance::SeenOnHost::from_finding(&confirmed);
    assert!(seen.process.unwrap().starts_with("python3 (pid 28813"));
    // GuardDuty reports nothing seen inside: the event's claim goes too.
    let mut silent = as_reported(&event);
    silent.host = ReportedHost::default();
    let Confirmation::Reported(confirmed) = confirm(&event, Some(&silent)) else {
        panic!("unconfirmed");
    };
    assert!(instance::SeenOnHost::from_finding(&confirmed).is_empty());
}

#[test]
fn a_bucket_finding_naming_another_bucket_is_unconfirmed() {
    let event = bucket_finding();
    let mut reported = as_reported(&event);
    reported.bucket_names = vec!["someone-elses-bucket".into()];
    let Confirmation::Unconfirmed(why) = confirm(&event, Some(&reported)) else {
        panic!("confirmed another bucket");
    };
    assert!(why.contains("someone-elses-bucket"), "{why}");
    reported.bucket_names.clear();
    assert!(matches!(
        confirm(&event, Some(&reported)),
        Confirmation::Unconfirmed(_)
    ));
}

#[test]
fn a_lambda_finding_naming_another_function_is_unconfirmed() {
    let event = finding(include_str!(
        "../../../events/guardduty/lambda-c2-activity.json"
    ));
    let mut reported = as_reported(&event);
    assert!(matches!(
        confirm(&event, Some(&reported)),
        Confirmation::Reported(_)
    ));
    reported.function_arn = Some("arn:aws:lambda:us-east-1:123456789012:function:billing".into());
    reported.function_name = Some("billing".into());
    let Confirmation::Unconfirmed(why) = confirm(&event, Some(&reported)) else {
        panic!("confirmed another function");
    };
    assert!(why.contains("billing"), "{why}");
}
