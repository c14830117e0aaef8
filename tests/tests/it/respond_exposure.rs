//! Exposure by effect against the emulator, through the CloudTrail function's real
//! adapters: rules rewritten with `ModifySecurityGroupRules` and groups named only by
//! name. The attacker's call is made first, then its CloudTrail record replayed;
//! assertions read EC2 back.

use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{
    IpPermission, IpRange, Ipv6Range, SecurityGroupRuleRequest, SecurityGroupRuleUpdate,
};
use cordon_core::{Decision, StepStatus};
use cordon_emulators::{MotoServer, shared_moto};
use cordon_fixtures::TrailPlaceholders;
use cordon_integration_tests::TrailWorld;

const OPENED: &str = "ec2-modify-security-group-rules-ssh-open.json";
const NARROWED: &str = "ec2-modify-security-group-rules-narrower.json";
const BY_NAME: &str = "ec2-authorize-ssh-by-group-name.json";
/// The group and rule the by-name sample's response names.
const NAMED_GROUP: &str = "sg-0a1b2c3d4e5f6000d";
const NAMED_RULE: &str = "sgr-0a1b2c3d4e5f60005";

/// A web tier's group in a VPC of its own: HTTPS from the world, SSH from 10.0.0.0/8.
struct WebTier {
    group: String,
    https: String,
    ssh: String,
}

async fn web_tier(world: &TrailWorld) -> WebTier {
    let ec2 = &world.clients.ec2;
    let vpc = ec2.create_vpc().cidr_block("10.2.0.0/16").send().await;
    let vpc = vpc.unwrap().vpc().unwrap().vpc_id().unwrap().to_owned();
    let group = ec2
        .create_security_group()
        .group_name(format!("web-{}", world.suffix))
        .description("web tier")
        .vpc_id(vpc)
        .send()
        .await
        .unwrap()
        .group_id()
        .unwrap()
        .to_owned();
    let https = allow(ec2, &group, 443, "0.0.0.0/0").await;
    let ssh = allow(ec2, &group, 22, "10.0.0.0/8").await;
    WebTier { group, https, ssh }
}

/// Authorizes TCP `port` from `cidr` on `group`; the new rule's id.
async fn allow(ec2: &Client, group: &str, port: i32, cidr: &str) -> String {
    let range = IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(port)
        .to_port(port);
    let range = match cidr.contains(':') {
        true => range.ipv6_ranges(Ipv6Range::builder().cidr_ipv6(cidr).build()),
        false => range.ip_ranges(IpRange::builder().cidr_ip(cidr).build()),
    };
    let added = ec2
        .authorize_security_group_ingress()
        .group_id(group)
        .ip_permissions(range.build())
        .send()
        .await
        .unwrap();
    let rule = &added.security_group_rules()[0];
    rule.security_group_rule_id().unwrap().to_owned()
}

/// The attacker's (or the administrator's) `ModifySecurityGroupRules`.
async fn rewrite(ec2: &Client, group: &str, rule: &str, port: i32, cidr: &str) {
    let new = SecurityGroupRuleRequest::builder()
        .ip_protocol("tcp")
        .from_port(port)
        .to_port(port);
    let new = match cidr.contains(':') {
        true => new.cidr_ipv6(cidr),
        false => new.cidr_ipv4(cidr),
    };
    ec2.modify_security_group_rules()
        .group_id(group)
        .security_group_rules(
            SecurityGroupRuleUpdate::builder()
                .security_group_rule_id(rule)
                .security_group_rule(new.build())
                .build(),
        )
        .send()
        .await
        .unwrap();
}

/// The group's ingress rules now: id and source range.
async fn ingress(ec2: &Client, group: &str) -> Vec<(String, String)> {
    let rules = ec2
        .describe_security_group_rules()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("group-id")
                .values(group)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let mut rules: Vec<(String, String)> = rules
        .security_group_rules()
        .iter()
        .filter(|r| r.is_egress() == Some(false))
        .map(|r| {
            let id = r.security_group_rule_id().unwrap_or_default().to_owned();
            let cidr = r.cidr_ipv4().or(r.cidr_ipv6()).unwrap_or_default();
            (id, cidr.to_owned())
        })
        .collect();
    rules.sort();
    rules
}

fn sorted(mut rules: Vec<(String, String)>) -> Vec<(String, String)> {
    rules.sort();
    rules
}

#[tokio::test]
async fn a_rule_rewritten_to_open_ssh_to_the_world_is_revoked_and_read_back() {
    let world = TrailWorld::at(&shared_moto().endpoint()).await;
    let tier = web_tier(&world).await;
    let ec2 = &world.clients.ec2;
    rewrite(ec2, &tier.group, &tier.ssh, 22, "0.0.0.0/0").await;

    let event = world.event(
        OPENED,
        &[
            (TrailPlaceholders::EXPOSED_GROUP, &tier.group),
            (TrailPlaceholders::PRIVATE_SSH_RULE, &tier.ssh),
        ],
    );
    let outcome = world.replay(event).await;
    assert_eq!(outcome.decision, Decision::Contained, "{outcome:#?}");
    let revoke = &outcome.steps[1];
    assert_eq!(revoke.status, StepStatus::Done, "{revoke:?}");
    assert_eq!(revoke.resources, std::slice::from_ref(&tier.ssh));
    assert_eq!(
        ingress(ec2, &tier.group).await,
        [(tier.https.clone(), "0.0.0.0/0".to_owned())],
        "only the rewritten rule is gone"
    );
}

#[tokio::test]
async fn a_harmless_rewrite_is_ignored_and_left_alone() {
    let world = TrailWorld::at(&shared_moto().endpoint()).await;
    let tier = web_tier(&world).await;
    let ec2 = &world.clients.ec2;
    rewrite(ec2, &tier.group, &tier.ssh, 22, "10.20.0.0/16").await;

    let event = world.event(
        NARROWED,
        &[
            (TrailPlaceholders::EXPOSED_GROUP, &tier.group),
            (TrailPlaceholders::PRIVATE_SSH_RULE, &tier.ssh),
        ],
    );
    let outcome = world.replay(event).await;
    assert_eq!(outcome.decision, Decision::Ignored, "{outcome:#?}");
    assert!(outcome.steps.is_empty());
    assert_eq!(
        ingress(ec2, &tier.group).await,
        sorted(vec![
            (tier.https.clone(), "0.0.0.0/0".to_owned()),
            (tier.ssh.clone(), "10.20.0.0/16".to_owned()),
        ])
    );
}

#[tokio::test]
async fn the_live_rule_decides_when_it_no_longer_matches_the_event() {
    // The event says SSH was opened to the world, but the rule was put back since.
    let world = TrailWorld::at(&shared_moto().endpoint()).await;
    let tier = web_tier(&world).await;
    let ec2 = &world.clients.ec2;
    let before = ingress(ec2, &tier.group).await;

    let event = world.event(
        OPENED,
        &[
            (TrailPlaceholders::EXPOSED_GROUP, &tier.group),
            (TrailPlaceholders::PRIVATE_SSH_RULE, &tier.ssh),
        ],
    );
    let outcome = world.replay(event).await;
    assert_eq!(outcome.decision, Decision::Observed, "{outcome:#?}");
    assert_eq!(outcome.steps[1].status, StepStatus::Skipped);
    assert!(
        outcome.reason.contains("is now tcp 22 from 10.0.0.0/8"),
        "{}",
        outcome.reason
    );
    assert_eq!(ingress(ec2, &tier.group).await, before, "nothing revoked");
}

#[tokio::test]
async fn a_rule_rewritten_to_open_rdp_to_the_ipv6_internet_is_revoked() {
    let world = TrailWorld::at(&shared_moto().endpoint()).await;
    let tier = web_tier(&world).await;
    let ec2 = &world.clients.ec2;
    let rdp = allow(ec2, &tier.group, 3389, "2001:db8::/32").await;
    rewrite(ec2, &tier.group, &rdp, 3389, "::/0").await;
    assert!(
        ingress(ec2, &tier.group)
            .await
            .contains(&(rdp.clone(), "::/0".to_owned())),
        "the emulator applied the IPv6 rewrite"
    );

    let mut event = world.event(
        OPENED,
        &[
            (TrailPlaceholders::EXPOSED_GROUP, &tier.group),
            (TrailPlaceholders::PRIVATE_SSH_RULE, &rdp),
        ],
    );
    let request = &mut event["detail"]["requestParameters"]["ModifySecurityGroupRulesRequest"];
    request["SecurityGroupRule"]["SecurityGroupRule"] = serde_json::json!({
        "CidrIpv6": "::/0", "FromPort": 3389, "ToPort": 3389, "IpProtocol": "tcp"
    });
    let outcome = world.replay(event).await;
    assert_eq!(outcome.decision, Decision::Contained, "{outcome:#?}");
    let left: Vec<String> = ingress(ec2, &tier.group)
        .await
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert!(!left.contains(&rdp), "{left:?}");
    assert_eq!(left.len(), 2, "HTTPS and SSH stay: {left:?}");
}

#[tokio::test]
async fn ssh_opened_on_a_group_named_only_by_name_is_found_in_the_default_vpc_and_revoked() {
    // The default VPC's group "default" is one per region: this test has the emulator
    // to itself.
    let moto = MotoServer::start().unwrap();
    let world = TrailWorld::at(&moto.endpoint()).await;
    let ec2 = &world.clients.ec2;
    let ssh_from_anywhere = || {
        IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(22)
            .to_port(22)
            .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
            .build()
    };
    // The attacker's call, naming the default VPC's group by its name.
    let open = || {
        ec2.authorize_security_group_ingress()
            .group_name("default")
            .ip_permissions(ssh_from_anywhere())
            .send()
    };
    let added = open().await.unwrap();
    let added = &added.security_group_rules()[0];
    let group = added.group_id().unwrap().to_owned();
    let rule = added.security_group_rule_id().unwrap().to_owned();
    let before = ingress(ec2, &group).await.len();

    let event = world.event(BY_NAME, &[(NAMED_GROUP, &group), (NAMED_RULE, &rule)]);
    let outcome = world.replay(event.clone()).await;
    assert_eq!(outcome.decision, Decision::Contained, "{outcome:#?}");
    let check = &outcome.steps[0];
    assert_eq!(check.target, group, "{check:?}");
    assert!(
        check.detail.contains("in the default VPC vpc-"),
        "{check:?}"
    );
    let left = ingress(ec2, &group).await;
    assert!(left.iter().all(|(id, _)| *id != rule), "{left:?}");
    assert_eq!(left.len(), before - 1, "the group's other rules stay");

    // An older record of the same call names no rule: the rule is found by what it is.
    open().await.unwrap();
    let mut legacy = event;
    legacy["detail"]["eventID"] = "0f1e2d3c-4b5a-4697-8879-6a5b4c3d2e1f".into();
    legacy["detail"]["responseElements"] = serde_json::json!({"_return": true});
    let outcome = world.replay(legacy).await;
    assert_eq!(outcome.decision, Decision::Contained, "{outcome:#?}");
    let left = ingress(ec2, &group).await;
    assert!(left.iter().all(|(_, cidr)| cidr != "0.0.0.0/0"), "{left:?}");
    assert_eq!(left.len(), before - 1);
}
