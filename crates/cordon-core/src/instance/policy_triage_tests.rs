//! The policy's gates, judged on network findings: the account allow-list, the
//! exemption tag, the severity floor, sample and archived findings, and which reason
//! wins when several apply.

use super::tests::{
    ALLOWED_ACCOUNT, OTHER_ACCOUNT, assert_verdict, expected, mutated, parsed, policy,
};
use super::*;
use crate::guardduty::TriagePolicy;
use serde_json::json;

#[test]
fn a_finding_in_an_account_not_allowed_is_refused_whatever_else_it_says() {
    for (name, ..) in expected() {
        let finding = mutated(name, |v| v["detail"]["accountId"] = json!(OTHER_ACCOUNT));
        let verdict = triage(&finding, &policy());
        if finding.resource.resource_type != "Instance" {
            // Not an instance comes first: the account is never looked at.
            assert_eq!(verdict.decision, Decision::Ignored, "{name}");
            let not_an_instance = format!(
                "resource type {} is not an EC2 instance",
                finding.resource.resource_type
            );
            assert_eq!(verdict.reason, not_an_instance, "{name}");
            continue;
        }
        assert_eq!(
            verdict.decision,
            Decision::Observed,
            "{name}: {}",
            verdict.reason
        );
        assert_eq!(
            verdict.reason,
            format!(
                "refused: finding is in account {OTHER_ACCOUNT}, which cordon may not act in (allowed: {ALLOWED_ACCOUNT})"
            ),
            "{name}"
        );
    }
}

#[test]
fn no_allowed_accounts_refuses_everything() {
    let policy = TriagePolicy {
        allowed_accounts: Vec::new(),
        ..policy()
    };
    let verdict = triage(&parsed("backdoor-c2-actor"), &policy);
    assert_verdict(
        &verdict,
        Decision::Observed,
        "(allowed: none)",
        "no accounts",
    );
}

#[test]
fn several_allowed_accounts_are_all_honoured() {
    let policy = TriagePolicy {
        allowed_accounts: vec![
            OTHER_ACCOUNT.parse().unwrap(),
            ALLOWED_ACCOUNT.parse().unwrap(),
        ],
        ..policy()
    };
    let verdict = triage(&parsed("backdoor-c2-actor"), &policy);
    assert_eq!(verdict.decision, Decision::Contained, "{}", verdict.reason);
    let elsewhere = mutated("backdoor-c2-actor", |v| {
        v["detail"]["accountId"] = json!("111122223333")
    });
    let verdict = triage(&elsewhere, &policy);
    assert_verdict(
        &verdict,
        Decision::Observed,
        &format!("(allowed: {OTHER_ACCOUNT}, {ALLOWED_ACCOUNT})"),
        "two accounts",
    );
}

fn with_tag(name: &str, key: &str, value: &str) -> GuardDutyFinding {
    mutated(name, |v| {
        v["detail"]["resource"]["instanceDetails"]["tags"]
            .as_array_mut()
            .unwrap()
            .push(json!({"key": key, "value": value}));
    })
}

#[test]
fn exempt_tag_observes_unless_it_says_false() {
    for value in ["true", "True", "yes", ""] {
        let verdict = triage(
            &with_tag("backdoor-c2-actor", "cordon:exempt", value),
            &policy(),
        );
        assert_verdict(
            &verdict,
            Decision::Observed,
            &format!("exempt from containment by tag cordon:exempt={value}"),
            value,
        );
    }
    for value in ["false", "FALSE", "False"] {
        let verdict = triage(
            &with_tag("backdoor-c2-actor", "cordon:exempt", value),
            &policy(),
        );
        assert_verdict(&verdict, Decision::Contained, "as ACTOR", value);
    }
}

#[test]
fn exempt_tag_key_is_exact_and_configurable() {
    // Another key, or the right key in another case, does not exempt.
    for key in ["cordon:Exempt", "exempt", "cordon:exempted"] {
        let verdict = triage(&with_tag("backdoor-c2-actor", key, "true"), &policy());
        assert_eq!(
            verdict.decision,
            Decision::Contained,
            "{key}: {}",
            verdict.reason
        );
    }
    let policy = TriagePolicy {
        exempt_tag: "security:hands-off".to_owned(),
        ..policy()
    };
    let verdict = triage(
        &with_tag("backdoor-c2-actor", "security:hands-off", "true"),
        &policy,
    );
    assert_verdict(
        &verdict,
        Decision::Observed,
        "security:hands-off=true",
        "custom key",
    );
    let verdict = triage(
        &with_tag("backdoor-c2-actor", "cordon:exempt", "true"),
        &policy,
    );
    assert_eq!(verdict.decision, Decision::Contained, "{}", verdict.reason);
}

#[test]
fn the_severity_floor_is_inclusive() {
    for (severity, decision) in [
        (json!(4), Decision::Contained),
        (json!(4.0), Decision::Contained),
        (json!(3.9), Decision::Observed),
        (json!(0), Decision::Observed),
        (json!(10), Decision::Contained),
    ] {
        let finding = mutated("backdoor-c2-actor", |v| {
            v["detail"]["severity"] = severity.clone()
        });
        let verdict = triage(&finding, &policy());
        assert_eq!(verdict.decision, decision, "{severity}: {}", verdict.reason);
    }
    let finding = mutated("backdoor-c2-actor", |v| {
        v["detail"]["severity"] = json!(3.9)
    });
    assert_verdict(
        &triage(&finding, &policy()),
        Decision::Observed,
        "severity 3.9 is below the containment floor 4",
        "3.9",
    );
}

#[test]
fn sample_findings_are_observed_however_they_say_so() {
    let as_string = mutated("backdoor-c2-actor", |v| {
        v["detail"]["service"]["additionalInfo"]["sample"] = json!("True")
    });
    let in_value_only = mutated("backdoor-c2-actor", |v| {
        v["detail"]["service"]["additionalInfo"] = json!({"value": "{\"sample\":true}"})
    });
    for (context, finding) in [("string", as_string), ("value", in_value_only)] {
        let verdict = triage(&finding, &policy());
        assert_verdict(&verdict, Decision::Observed, "sample finding", context);
    }
}

#[test]
fn archived_findings_are_observed() {
    for archived in [json!(true), json!("True")] {
        let finding = mutated("backdoor-c2-actor", |v| {
            v["detail"]["service"]["archived"] = archived.clone()
        });
        assert_verdict(
            &triage(&finding, &policy()),
            Decision::Observed,
            "archived",
            &archived.to_string(),
        );
    }
    let finding = mutated("backdoor-c2-actor", |v| {
        v["detail"]["service"]["archived"] = json!("False")
    });
    assert_eq!(triage(&finding, &policy()).decision, Decision::Contained);
}

#[test]
fn the_most_fundamental_reason_wins() {
    // A sample TARGET finding below the floor on an exempt instance: sample comes first.
    let finding = mutated("ssh-brute-force-target", |v| {
        v["detail"]["service"]["additionalInfo"]["sample"] = json!(true);
        v["detail"]["resource"]["instanceDetails"]["tags"] =
            json!([{"key": "cordon:exempt", "value": "true"}]);
    });
    assert_verdict(
        &triage(&finding, &policy()),
        Decision::Observed,
        "sample",
        "sample",
    );
    // Below the floor and exempt: the floor is named, not the tag.
    let finding = mutated("portscan-low-severity", |v| {
        v["detail"]["resource"]["instanceDetails"]["tags"] =
            json!([{"key": "cordon:exempt", "value": "true"}]);
    });
    assert_verdict(
        &triage(&finding, &policy()),
        Decision::Observed,
        "below",
        "floor",
    );
}
