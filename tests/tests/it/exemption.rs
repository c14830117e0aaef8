//! Exemptions are read live at action time, and fail closed: an instance or user
//! tagged exempt after GuardDuty reported it is untouched, and so is one whose tags
//! cannot be read because every call to that service fails.

use aws_sdk_ec2::types::Tag;
use cordon_aws::Clients;
use cordon_core::Decision;
use cordon_emulators::{FaultKind, FaultProxy, Faults, publish_finding, shared_moto};
use cordon_events::AccountId;
use cordon_fixtures::{IamUserWithKeys, Placeholders, access_key_statuses, sdk_config};
use cordon_integration_tests::{IdentityWorld, World};
use cordon_lambda::{
    AwsCredentialPorts, AwsInstancePorts, Connect, ContainmentClock, Context, CredentialResponder,
    FunctionConfig, InstanceResponder, handle_event,
};

/// Clients whose every call to `service` is throttled, through a proxy to the emulator.
async fn failing(service: &str) -> (FaultProxy, Clients) {
    let proxy = FaultProxy::start(
        &shared_moto().endpoint(),
        Faults {
            rate: 1.0,
            kinds: vec![FaultKind::Throttle],
            services: vec![service.to_owned()],
            ..Faults::default()
        },
    )
    .unwrap();
    let clients = Clients::new(&sdk_config(&proxy.endpoint()).await);
    (proxy, clients)
}

fn config() -> FunctionConfig {
    cordon_integration_tests::enforcing(|_| None).unwrap()
}

fn account() -> AccountId {
    Placeholders::ACCOUNT.parse().unwrap()
}

async fn web_groups_hold_every_interface(world: &World) -> bool {
    let held = world
        .estate
        .interfaces_held_by(&world.ec2, &world.estate.web_group)
        .await
        .unwrap();
    held.len() == world.estate.interfaces.len()
}

#[tokio::test]
async fn an_instance_tagged_exempt_after_the_finding_is_untouched() {
    let world = World::new().await;
    world
        .ec2
        .create_tags()
        .resources(&world.estate.instance)
        .tags(
            Tag::builder()
                .key("cordon:exempt")
                .value("forensics-lab")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let outcome = world.replay("backdoor-c2-two-enis.json").await;
    assert_eq!(outcome.decision, Decision::Observed, "{outcome:#?}");
    assert!(
        outcome.reason.contains("cordon:exempt=forensics-lab"),
        "{}",
        outcome.reason
    );
    assert!(web_groups_hold_every_interface(&world).await);
}

#[tokio::test]
async fn an_instance_whose_tags_cannot_be_read_is_untouched() {
    let world = World::new().await;
    let (_proxy, clients) = failing("ec2").await;
    let ports = AwsInstancePorts::on_aws(&clients, None, None);
    let event = world.event("backdoor-c2-two-enis.json");
    publish_finding(&world.endpoint, &event).unwrap();
    let outcome = handle_event::<InstanceResponder>(
        event,
        &Context::new(&config(), &account(), ContainmentClock::HandlingStart),
        &ports,
    )
    .await
    .unwrap();
    assert_eq!(outcome.decision, Decision::Failed, "{outcome:#?}");
    assert!(
        outcome.reason.contains("exemption could not be read"),
        "{}",
        outcome.reason
    );
    assert!(web_groups_hold_every_interface(&world).await);
}

#[tokio::test]
async fn a_user_whose_tags_cannot_be_read_keeps_its_keys() {
    let world = IdentityWorld::at(&shared_moto().endpoint()).await;
    let user = IamUserWithKeys::create(&world.iam, &format!("unreadable-{}", world.suffix), &[])
        .await
        .unwrap();
    let event = world.event(
        "iam-user-credential-exfiltration.json",
        &[
            ("\"alice\"", &format!("\"{}\"", user.user_name)),
            ("AKIAEXAMPLEKEY000001", &user.keys[0]),
        ],
    );
    publish_finding(&world.endpoint, &event).unwrap();
    let (_proxy, clients) = failing("iam").await;
    let ports = AwsCredentialPorts::on_aws(&clients, None, None);
    let outcome = handle_event::<CredentialResponder>(
        event,
        &Context::new(&config(), &account(), ContainmentClock::HandlingStart),
        &ports,
    )
    .await
    .unwrap();
    assert_eq!(outcome.decision, Decision::Failed, "{outcome:#?}");
    assert!(
        outcome.reason.contains("could not be read"),
        "{}",
        outcome.reason
    );
    let statuses = access_key_statuses(&world.iam, &user.user_name)
        .await
        .unwrap();
    assert!(statuses.values().all(|s| s == "Active"), "{statuses:?}");
}
