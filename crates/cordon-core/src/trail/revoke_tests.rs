//! Revoking by effect: what the live rule is when cordon acts decides, for rules added
//! and for rules rewritten with `ModifySecurityGroupRules`.

use super::fakes::*;
use crate::fake_iam::FakeIam;
use crate::ports::GroupRule;
use crate::trail::{self, InternetShare};
use crate::{Decision, StepStatus};
use cordon_events::RuleSource;

const OPENED: &str = "ec2-modify-security-group-rules-ssh-open.json";
/// The rule the modification samples rewrite.
const REWRITTEN: &str = "sgr-0a1b2c3d4e5f60002";
const HTTPS: &str = "sgr-0a1b2c3d4e5f6000a";

fn https() -> GroupRule {
    rule(HTTPS, "tcp", Some((443, 443)), "0.0.0.0/0")
}

#[tokio::test]
async fn a_rewritten_rule_is_revoked_only_if_it_exposes_the_group_as_ec2_holds_it_now() {
    let egress = GroupRule {
        egress: true,
        ..rule(REWRITTEN, "tcp", Some((22, 22)), "0.0.0.0/0")
    };
    let elsewhere = GroupRule {
        group_id: "sg-0a1b2c3d4e5f6000e".into(),
        ..rule(REWRITTEN, "tcp", Some((22, 22)), "0.0.0.0/0")
    };
    // (what EC2 holds under the rewritten id now, step status, revoked, detail mentions)
    let cases: Vec<(Option<GroupRule>, StepStatus, bool, &str)> = vec![
        (
            Some(rule(REWRITTEN, "tcp", Some((22, 22)), "0.0.0.0/0")),
            StepStatus::Done,
            true,
            "revoked sgr-0a1b2c3d4e5f60002 (read back)",
        ),
        (
            Some(rule(REWRITTEN, "6", Some((0, 65535)), "0.0.0.0/1")),
            StepStatus::Done,
            true,
            "read back",
        ),
        (
            Some(rule(REWRITTEN, "tcp", Some((22, 22)), "10.20.0.0/16")),
            StepStatus::Skipped,
            false,
            "is now tcp 22 from 10.20.0.0/16",
        ),
        (
            Some(rule(REWRITTEN, "tcp", Some((443, 443)), "0.0.0.0/0")),
            StepStatus::Skipped,
            false,
            "opens no admin port",
        ),
        (Some(egress), StepStatus::Skipped, false, "egress rule"),
        (None, StepStatus::AlreadyDone, false, "no longer exists"),
        (
            Some(elsewhere),
            StepStatus::Failed,
            false,
            "is in sg-0a1b2c3d4e5f6000e, not in sg-0a1b2c3d4e5f60009",
        ),
    ];
    for (live, status, revoked, mentions) in cases {
        let groups = FakeGroups::holding(live.clone().into_iter().chain([https()]).collect());
        let run = respond(
            OPENED,
            &settings(),
            &FakeAudit::default(),
            &groups,
            &FakeIam::default(),
        )
        .await;
        let names: Vec<&str> = run.reports.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["check-exemption", "revoke-exposed-ingress"]);
        let report = &run.reports[1];
        assert_eq!(report.status, status, "{live:?}: {report:?}");
        assert!(
            report.detail.contains(mentions),
            "{live:?}: {}",
            report.detail
        );
        let expected: Vec<String> = match revoked {
            true => vec![REWRITTEN.to_owned()],
            false => vec![],
        };
        assert_eq!(*groups.revoked.lock().unwrap(), expected, "{live:?}");
        assert!(groups.rule_ids().contains(&HTTPS.to_owned()), "{live:?}");
    }
}

#[tokio::test]
async fn a_rule_in_another_group_is_a_permanent_failure_not_a_retry() {
    let groups = FakeGroups::holding(vec![GroupRule {
        group_id: "sg-0a1b2c3d4e5f6000e".into(),
        ..rule(REWRITTEN, "tcp", Some((22, 22)), "0.0.0.0/0")
    }]);
    let run = respond(
        OPENED,
        &settings(),
        &FakeAudit::default(),
        &groups,
        &FakeIam::default(),
    )
    .await;
    assert_eq!(
        run.reports[1].failure,
        Some(crate::outcome::FailureKind::Permanent)
    );
}

#[tokio::test]
async fn an_exempt_group_keeps_its_rewritten_rule() {
    let mut groups = FakeGroups::holding(vec![rule(REWRITTEN, "tcp", Some((22, 22)), "0.0.0.0/0")]);
    groups.tags = vec![("cordon:exempt".into(), "bastion".into())];
    let run = respond(
        OPENED,
        &settings(),
        &FakeAudit::default(),
        &groups,
        &FakeIam::default(),
    )
    .await;
    assert_eq!(run.reports[1].status, StepStatus::Skipped);
    assert!(groups.revoked.lock().unwrap().is_empty());
}

#[tokio::test]
async fn an_added_rule_changed_since_is_left_alone() {
    // The authorize sample's world SSH rule, narrowed by someone before cordon ran.
    let groups = FakeGroups::with(&[
        ("sgr-0a1b2c3d4e5f60001", "203.0.113.0/24", 22),
        ("sgr-0a1b2c3d4e5f60002", "10.0.0.0/8", 22),
    ]);
    let run = respond(
        "ec2-authorize-ssh-from-anywhere.json",
        &settings(),
        &FakeAudit::default(),
        &groups,
        &FakeIam::default(),
    )
    .await;
    assert_eq!(
        run.reports[1].status,
        StepStatus::Skipped,
        "{:?}",
        run.reports
    );
    assert!(groups.revoked.lock().unwrap().is_empty());
}

#[tokio::test]
async fn the_configured_share_decides_both_triage_and_the_live_check() {
    let (envelope, mut event) = sample(OPENED);
    let rewrite = event.modification.as_mut().unwrap();
    rewrite.rules[0].source = RuleSource::Cidr("203.0.113.0/24".into());
    let live = || {
        FakeGroups::holding(vec![rule(
            REWRITTEN,
            "tcp",
            Some((22, 22)),
            "203.0.113.0/24",
        )])
    };

    // By default a /24 is not the internet: nothing planned, nothing read.
    let verdict = trail::triage(&envelope, &event, &settings());
    assert_eq!(verdict.decision, Decision::Ignored, "{}", verdict.reason);

    let mut strict = settings();
    strict.internet = InternetShare::default().with_ipv4_prefix(24).unwrap();
    let verdict = trail::triage(&envelope, &event, &strict);
    assert_eq!(verdict.decision, Decision::Contained, "{}", verdict.reason);
    let groups = live();
    let run = respond_to(
        &envelope,
        &event,
        &strict,
        &FakeAudit::default(),
        &groups,
        &FakeIam::default(),
    )
    .await;
    assert_eq!(run.reports[1].status, StepStatus::Done, "{:?}", run.reports);
    assert_eq!(*groups.revoked.lock().unwrap(), [REWRITTEN]);
}

#[test]
fn triage_reads_the_rewrite_and_leaves_harmless_ones_alone() {
    // (new source, protocol, ports, decision)
    let cases = [
        (
            RuleSource::Cidr("0.0.0.0/0".into()),
            Some("tcp"),
            Some((22, 22)),
            Decision::Contained,
        ),
        (
            RuleSource::Cidr("::/0".into()),
            Some("-1"),
            None,
            Decision::Contained,
        ),
        (
            RuleSource::Cidr("0.0.0.0/0".into()),
            None,
            None,
            Decision::Contained,
        ),
        (
            RuleSource::Unstated,
            Some("tcp"),
            Some((22, 22)),
            Decision::Contained,
        ),
        (
            RuleSource::Cidr("10.20.0.0/16".into()),
            Some("tcp"),
            Some((22, 22)),
            Decision::Ignored,
        ),
        (
            RuleSource::Cidr("0.0.0.0/0".into()),
            Some("tcp"),
            Some((443, 443)),
            Decision::Ignored,
        ),
        (RuleSource::Reference, Some("-1"), None, Decision::Ignored),
    ];
    let (envelope, event) = sample(OPENED);
    for (source, protocol, ports, decision) in cases {
        let mut event = event.clone();
        let rewritten = &mut event.modification.as_mut().unwrap().rules[0];
        rewritten.source = source.clone();
        rewritten.protocol = protocol.map(str::to_owned);
        rewritten.from_port = ports.map(|p| p.0);
        rewritten.to_port = ports.map(|p| p.1);
        let verdict = trail::triage(&envelope, &event, &settings());
        assert_eq!(
            verdict.decision, decision,
            "{source:?} {protocol:?}: {}",
            verdict.reason
        );
        if decision == Decision::Contained {
            assert!(verdict.reason.contains(REWRITTEN), "{}", verdict.reason);
            assert!(verdict.reason.contains(GROUP), "{}", verdict.reason);
        }
    }
}

#[tokio::test]
async fn a_finding_about_rules_that_expose_nothing_now_does_not_say_ports_are_open() {
    let groups = FakeGroups::holding(vec![rule(REWRITTEN, "tcp", Some((22, 22)), "10.0.0.0/8")]);
    let (envelope, event) = sample(OPENED);
    let run = respond_to(
        &envelope,
        &event,
        &settings(),
        &FakeAudit::default(),
        &groups,
        &FakeIam::default(),
    )
    .await;
    let spared = trail::nothing_exposed(&run.reports).expect("the revoke step spared the rule");
    assert!(
        spared.detail.starts_with("nothing exposed now: "),
        "{}",
        spared.detail
    );
    let verdict = trail::triage(&envelope, &event, &settings());
    let outcome = crate::Outcome {
        steps: run.reports.clone(),
        ..crate::Outcome::without_steps(Decision::Observed, "observed")
    };
    let finding = trail::response_finding(&envelope, &event, &verdict, &outcome);
    assert!(
        finding.remediation.contains("expose nothing"),
        "{}",
        finding.remediation
    );

    // An exempt group's rule is still open: the finding says so.
    let mut exempt = FakeGroups::holding(vec![rule(REWRITTEN, "tcp", Some((22, 22)), "0.0.0.0/0")]);
    exempt.tags = vec![("cordon:exempt".into(), "bastion".into())];
    let run = respond_to(
        &envelope,
        &event,
        &settings(),
        &FakeAudit::default(),
        &exempt,
        &FakeIam::default(),
    )
    .await;
    assert!(trail::nothing_exposed(&run.reports).is_none());
}
