//! A group named only by name: found in the default VPC, or nothing touched.

use super::fakes::*;
use crate::fake_iam::FakeIam;
use crate::ports::GroupRule;
use crate::trail;
use crate::{FailureKind, StepStatus};
use cordon_events::{SecurityGroupId, VpcId};

const BY_NAME: &str = "ec2-authorize-ssh-by-group-name.json";
/// The rule the sample's response names.
const ADDED: &str = "sgr-0a1b2c3d4e5f60005";
const DEFAULT_GROUP: &str = "sg-0a1b2c3d4e5f6000d";
const OTHER_GROUP: &str = "sg-0a1b2c3d4e5f6000e";

fn vpc(id: &str) -> VpcId {
    id.parse().unwrap()
}

fn sg(id: &str) -> SecurityGroupId {
    id.parse().unwrap()
}

fn in_group(group: &str, rule_id: &str, cidr: &str) -> GroupRule {
    GroupRule {
        group_id: group.to_owned(),
        ..rule(rule_id, "tcp", Some((22, 22)), cidr)
    }
}

/// An account whose default VPC holds `named` groups called "default".
fn account(default_vpc: Option<&str>, named: &[(&str, &str)], rules: Vec<GroupRule>) -> FakeGroups {
    FakeGroups {
        default_vpc: default_vpc.map(vpc),
        named: named
            .iter()
            .map(|(v, group)| ("default".to_owned(), vpc(v), sg(group)))
            .collect(),
        ..FakeGroups::holding(rules)
    }
}

#[tokio::test]
async fn a_name_is_resolved_in_the_default_vpc_or_nothing_is_touched() {
    let home = "vpc-0a1b2c3d4e5f60001";
    let elsewhere = "vpc-0a1b2c3d4e5f60002";
    let world_ssh = || vec![in_group(DEFAULT_GROUP, ADDED, "0.0.0.0/0")];
    // (account, check status, revoke status, revoked, what the check or revoke says)
    let cases: Vec<(FakeGroups, StepStatus, StepStatus, bool, &str)> = vec![
        (
            account(
                Some(home),
                &[(home, DEFAULT_GROUP), (elsewhere, OTHER_GROUP)],
                world_ssh(),
            ),
            StepStatus::Done,
            StepStatus::Done,
            true,
            "\"default\" is sg-0a1b2c3d4e5f6000d in the default VPC vpc-0a1b2c3d4e5f60001",
        ),
        (
            account(None, &[(elsewhere, OTHER_GROUP)], world_ssh()),
            StepStatus::Failed,
            StepStatus::Failed,
            false,
            "this region has none now",
        ),
        (
            account(Some(home), &[(elsewhere, OTHER_GROUP)], world_ssh()),
            StepStatus::Failed,
            StepStatus::Failed,
            false,
            "no security group named \"default\" in the default VPC",
        ),
        (
            account(
                Some(home),
                &[(home, DEFAULT_GROUP), (home, OTHER_GROUP)],
                world_ssh(),
            ),
            StepStatus::Failed,
            StepStatus::Failed,
            false,
            "2 security groups named \"default\"",
        ),
        (
            account(Some(home), &[(home, DEFAULT_GROUP)], vec![]),
            StepStatus::Done,
            StepStatus::AlreadyDone,
            false,
            "no longer exists",
        ),
        (
            account(
                Some(home),
                &[(home, DEFAULT_GROUP)],
                vec![in_group(OTHER_GROUP, ADDED, "0.0.0.0/0")],
            ),
            StepStatus::Done,
            StepStatus::Failed,
            false,
            "is in sg-0a1b2c3d4e5f6000e, not in sg-0a1b2c3d4e5f6000d",
        ),
    ];
    for (groups, check, revoke, revoked, says) in cases {
        let run = respond(
            BY_NAME,
            &settings(),
            &FakeAudit::default(),
            &groups,
            &FakeIam::default(),
        )
        .await;
        let [checked, revoking] = &run.reports[..] else {
            panic!("{:?}", run.reports);
        };
        assert_eq!(
            (checked.status, revoking.status),
            (check, revoke),
            "{says}: {:?}",
            run.reports
        );
        let detail = format!("{} {}", checked.detail, revoking.detail);
        assert!(detail.contains(says), "{says}: {detail}");
        if check == StepStatus::Failed {
            // A retry would find the same account: recorded, not retried.
            assert_eq!(checked.failure, Some(FailureKind::Permanent), "{says}");
            assert_eq!(revoking.failure, Some(FailureKind::Permanent), "{says}");
        } else {
            assert_eq!(checked.target, DEFAULT_GROUP, "{says}");
        }
        let expected: Vec<String> = match revoked {
            true => vec![ADDED.to_owned()],
            false => vec![],
        };
        assert_eq!(*groups.revoked.lock().unwrap(), expected, "{says}");
    }
}

#[tokio::test]
async fn an_older_event_by_name_is_revoked_by_the_rule_it_describes() {
    let (envelope, mut event) = sample(BY_NAME);
    event.ingress.as_mut().unwrap().added_rules.clear();
    let home = "vpc-0a1b2c3d4e5f60001";
    let groups = account(
        Some(home),
        &[(home, DEFAULT_GROUP)],
        vec![
            in_group(DEFAULT_GROUP, "sgr-0a1b2c3d4e5f60006", "0.0.0.0/0"),
            in_group(DEFAULT_GROUP, "sgr-0a1b2c3d4e5f60007", "10.0.0.0/8"),
        ],
    );
    let run = respond_to(
        &envelope,
        &event,
        &settings(),
        &FakeAudit::default(),
        &groups,
        &FakeIam::default(),
    )
    .await;
    assert_eq!(run.reports[1].status, StepStatus::Done, "{:?}", run.reports);
    assert_eq!(*groups.revoked.lock().unwrap(), ["sgr-0a1b2c3d4e5f60006"]);
}

#[test]
fn the_plan_says_the_name_will_be_looked_up() {
    let (envelope, event) = sample(BY_NAME);
    let verdict = trail::triage(&envelope, &event, &settings());
    assert!(verdict.reason.contains("on default:"), "{}", verdict.reason);
    let plan = trail::plan(&envelope.account, &event, &verdict, &settings());
    assert_eq!(plan.group, None);
    assert_eq!(plan.group_name.as_deref(), Some("default"));
    let check = &plan.repair.steps[0];
    assert_eq!(check.target, "default");
    assert!(
        check
            .detail
            .starts_with("find the one group named \"default\" in the default VPC")
    );
}
