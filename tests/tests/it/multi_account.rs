//! One security account, many members: a finding for a member account is contained
//! in that account through the member role, while the security account's own state
//! is untouched and its Security Hub holds the record; a finding from an account
//! outside the allow-list is refused, recorded, and reaches no account at all.

use cordon_aws::{MemberRole, Reach};
use cordon_core::{Decision, Outcome};
use cordon_emulators::{publish_finding, shared_moto, workspace_root};
use cordon_events::{AccountId, parse_event_value};
use cordon_fixtures::{Estate, Placeholders, sdk_config, sdk_config_in_account};
use cordon_lambda::{ContainmentClock, Context, FunctionConfig, InstanceResponder, respond_on_aws};

const MEMBER: &str = "111111111111";
const STRANGER: &str = "222222222222";
const ROLE: &str = "cordon-responder";
const EXTERNAL_ID: &str = "cordon-test-external-id";

fn config() -> FunctionConfig {
    cordon_integration_tests::enforcing(|name| match name {
        "CORDON_ALLOWED_ACCOUNTS" => Some(format!("{},{MEMBER}", Placeholders::ACCOUNT)),
        "CORDON_MEMBER_ROLE_NAME" => Some(ROLE.into()),
        "CORDON_MEMBER_ROLE_EXTERNAL_ID" => Some(EXTERNAL_ID.into()),
        _ => None,
    })
    .unwrap()
}

/// `events/guardduty/backdoor-c2-two-enis.json` about `estate`, reported for `account`.
fn finding_in(estate: &Estate, account: &str) -> serde_json::Value {
    let path = workspace_root().join("events/guardduty/backdoor-c2-two-enis.json");
    let raw = estate.rewrite(&std::fs::read_to_string(path).unwrap());
    let mut event: serde_json::Value = serde_json::from_str(&raw).unwrap();
    event["detail"]["accountId"] = account.into();
    // A delegated administrator receives its members' findings on its own bus.
    event["account"] = Placeholders::ACCOUNT.into();
    event["detail"]["id"] = format!("multi-account-{account}-{}", estate.instance).into();
    event
}

async fn handle(event: serde_json::Value) -> Outcome {
    handle_with(&config(), event).await
}

async fn handle_with(config: &FunctionConfig, event: serde_json::Value) -> Outcome {
    let endpoint = shared_moto().endpoint();
    let reach = Reach::new(
        sdk_config(&endpoint).await,
        MemberRole::new(
            &config.member_role_name,
            config.member_role_external_id.as_deref(),
        ),
    );
    let home: AccountId = Placeholders::ACCOUNT.parse().unwrap();
    publish_finding(&endpoint, &event).unwrap();
    let event = parse_event_value(event).expect("well-formed event");
    let ctx = Context::new(config, &home, ContainmentClock::HandlingStart);
    Box::pin(respond_on_aws::<InstanceResponder>(event, &ctx, &reach)).await
}

async fn member_ec2(account: &str) -> aws_sdk_ec2::Client {
    let endpoint = shared_moto().endpoint();
    aws_sdk_ec2::Client::new(&sdk_config_in_account(&endpoint, account, "estate-builder").await)
}

async fn home_clients() -> (aws_sdk_ec2::Client, aws_sdk_securityhub::Client) {
    let sdk = sdk_config(&shared_moto().endpoint()).await;
    (
        aws_sdk_ec2::Client::new(&sdk),
        aws_sdk_securityhub::Client::new(&sdk),
    )
}

async fn security_hub_finding(
    hub: &aws_sdk_securityhub::Client,
    id: &str,
) -> Option<aws_sdk_securityhub::types::AwsSecurityFinding> {
    let found = Box::pin(hub.get_findings().send()).await.unwrap();
    found
        .findings()
        .iter()
        .find(|f| f.id() == Some(id))
        .cloned()
}

/// Whether the home account holds the member's VPC or instance, or any cordon group.
async fn home_knows(ec2: &aws_sdk_ec2::Client, estate: &Estate) -> Vec<String> {
    let mut seen = Vec::new();
    let vpcs = ec2.describe_vpcs().send().await.unwrap();
    if vpcs.vpcs().iter().any(|v| v.vpc_id() == Some(&estate.vpc)) {
        seen.push(format!("vpc {}", estate.vpc));
    }
    let groups = ec2.describe_security_groups().send().await.unwrap();
    for group in groups.security_groups() {
        if group.vpc_id() == Some(&estate.vpc) {
            seen.push(format!("group {:?}", group.group_name()));
        }
    }
    seen
}

#[tokio::test]
async fn a_member_finding_is_contained_in_the_member_account_and_recorded_at_home() {
    let member = member_ec2(MEMBER).await;
    let estate = Estate::build(&member).await.expect("member estate");
    let (home_ec2, home_hub) = home_clients().await;
    let moto = shared_moto();

    let outcome = handle(finding_in(&estate, MEMBER)).await;
    assert_eq!(outcome.decision, Decision::Contained, "{outcome:#?}");

    // Contained where the instance is: every interface only in the member's deny group.
    let deny = estate
        .deny_group(&member)
        .await
        .unwrap()
        .expect("deny group in the member");
    let deny_id = deny.group_id().unwrap();
    assert_eq!(
        estate.interfaces_held_by(&member, deny_id).await.unwrap(),
        estate.all_interfaces()
    );
    assert!(
        estate
            .interfaces_held_by(&member, &estate.web_group)
            .await
            .unwrap()
            .is_empty()
    );
    let tags = estate.instance_tags(&member).await.unwrap();
    assert!(
        tags.contains(&("cordon:status".into(), "contained".into())),
        "{tags:?}"
    );

    // Through the member role, with the external id and a session naming the incident.
    let incident = format!("multi-account-{MEMBER}-{}", estate.instance);
    let assumed: Vec<_> = moto
        .recorded_calls("sts:AssumeRole")
        .unwrap()
        .into_iter()
        .filter(|call| call.get("RoleSessionName") == Some(&format!("cordon-{incident}")))
        .collect();
    assert!(!assumed.is_empty(), "no AssumeRole for the incident");
    for call in &assumed {
        assert_eq!(
            call.get("RoleArn").map(String::as_str),
            Some(format!("arn:aws:iam::{MEMBER}:role/{ROLE}").as_str())
        );
        assert_eq!(
            call.get("ExternalId").map(String::as_str),
            Some(EXTERNAL_ID)
        );
    }

    // The security account: nothing of the member's, and the record.
    assert_eq!(home_knows(&home_ec2, &estate).await, Vec::<String>::new());
    let record = outcome.record.as_ref().expect("recorded");
    assert!(record.failures.is_empty(), "{record:#?}");
    let finding = security_hub_finding(&home_hub, &record.response_finding_id)
        .await
        .expect("the response finding is in the security account's Security Hub");
    assert_eq!(finding.aws_account_id(), Some(Placeholders::ACCOUNT));
    assert_eq!(
        finding.product_arn(),
        Some(
            format!(
                "arn:aws:securityhub:us-east-1:{0}:product/{0}/default",
                Placeholders::ACCOUNT
            )
            .as_str()
        )
    );
    let instance_arn = format!(
        "arn:aws:ec2:us-east-1:{MEMBER}:instance/{}",
        estate.instance
    );
    assert!(
        finding
            .resources()
            .iter()
            .any(|r| r.id() == Some(instance_arn.as_str())),
        "{:?}",
        finding.resources()
    );
    let members_hub = aws_sdk_securityhub::Client::new(
        &sdk_config_in_account(&moto.endpoint(), MEMBER, "reader").await,
    );
    assert!(
        security_hub_finding(&members_hub, &record.response_finding_id)
            .await
            .is_none(),
        "recorded in the member account"
    );
}

#[tokio::test]
async fn a_finding_from_an_account_not_allowed_is_refused_recorded_and_touches_nothing() {
    let stranger = member_ec2(STRANGER).await;
    let estate = Estate::build(&stranger).await.expect("stranger's estate");
    let (_, home_hub) = home_clients().await;
    let moto = shared_moto();

    let outcome = handle(finding_in(&estate, STRANGER)).await;
    assert_eq!(outcome.decision, Decision::Observed, "{outcome:#?}");
    assert!(
        outcome.reason.starts_with("refused: "),
        "{}",
        outcome.reason
    );
    assert!(outcome.steps.is_empty(), "{outcome:#?}");

    // Nothing in the stranger's account changed, and its role was never assumed.
    assert!(estate.isolation_groups(&stranger).await.unwrap().is_empty());
    assert_eq!(
        estate
            .interfaces_held_by(&stranger, &estate.web_group)
            .await
            .unwrap(),
        estate.all_interfaces()
    );
    assert!(
        !estate
            .instance_tags(&stranger)
            .await
            .unwrap()
            .iter()
            .any(|(k, _)| k.starts_with("cordon:"))
    );
    let refused_role = format!("arn:aws:iam::{STRANGER}:role/{ROLE}");
    assert!(
        !moto
            .recorded_calls("sts:AssumeRole")
            .unwrap()
            .iter()
            .any(|call| call.get("RoleArn") == Some(&refused_role)),
        "cordon assumed a role in an account it may not act in"
    );

    let record = outcome.record.as_ref().expect("the refusal is recorded");
    let finding = security_hub_finding(&home_hub, &record.response_finding_id)
        .await
        .expect("the refusal is in the security account's Security Hub");
    assert_eq!(finding.aws_account_id(), Some(Placeholders::ACCOUNT));
    assert!(
        finding
            .description()
            .unwrap_or_default()
            .contains("refused"),
        "{:?}",
        finding.description()
    );
}

#[tokio::test]
async fn a_finding_in_another_region_is_contained_in_that_region() {
    const REGION: &str = "eu-west-1";
    let sdk = sdk_config(&shared_moto().endpoint())
        .await
        .into_builder()
        .region(aws_sdk_ec2::config::Region::new(REGION))
        .build();
    let there = aws_sdk_ec2::Client::new(&sdk);
    let estate = Estate::build(&there).await.expect("estate in eu-west-1");
    let mut event = finding_in(&estate, Placeholders::ACCOUNT);
    // Forwarded to cordon's bus from eu-west-1: EventBridge keeps the event's region.
    event["region"] = REGION.into();
    event["detail"]["region"] = REGION.into();

    let outcome = handle(event).await;
    assert_eq!(outcome.decision, Decision::Contained, "{outcome:#?}");
    let deny = estate
        .deny_group(&there)
        .await
        .unwrap()
        .expect("deny group in eu-west-1");
    assert_eq!(
        estate
            .interfaces_held_by(&there, deny.group_id().unwrap())
            .await
            .unwrap(),
        estate.all_interfaces()
    );
    // Recorded in the region cordon runs in, where its Security Hub is.
    let (_, home_hub) = home_clients().await;
    let record = outcome.record.as_ref().expect("recorded");
    let finding = security_hub_finding(&home_hub, &record.response_finding_id)
        .await
        .expect("recorded at home");
    assert_eq!(finding.region(), Some("us-east-1"));
}

#[tokio::test]
async fn without_an_external_id_no_member_role_is_assumed_and_nothing_is_touched() {
    const LONE_MEMBER: &str = "333333333333";
    let member = member_ec2(LONE_MEMBER).await;
    let estate = Estate::build(&member).await.expect("member estate");
    let config = cordon_integration_tests::enforcing(|name| {
        (name == "CORDON_ALLOWED_ACCOUNTS").then(|| LONE_MEMBER.to_owned())
    })
    .unwrap();

    let outcome = handle_with(&config, finding_in(&estate, LONE_MEMBER)).await;
    assert_eq!(outcome.decision, Decision::Failed, "{outcome:#?}");
    assert!(
        outcome.reason.contains("CORDON_MEMBER_ROLE_EXTERNAL_ID"),
        "{}",
        outcome.reason
    );
    assert!(estate.isolation_groups(&member).await.unwrap().is_empty());
    assert_eq!(
        estate
            .interfaces_held_by(&member, &estate.web_group)
            .await
            .unwrap(),
        estate.all_interfaces()
    );
    let role = format!("arn:aws:iam::{LONE_MEMBER}:role/{ROLE}");
    assert!(
        !shared_moto()
            .recorded_calls("sts:AssumeRole")
            .unwrap()
            .iter()
            .any(|call| call.get("RoleArn") == Some(&role)),
        "assumed a member role without an external id"
    );
    // People are told: the failure is recorded in the security account.
    let record = outcome.record.as_ref().expect("recorded");
    assert!(record.failures.is_empty(), "{record:#?}");
}
