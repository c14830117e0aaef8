//! An attack sequence through the credential function, against the emulator: each
//! credential it names is contained once, the record lists the chain, and a chain
//! GuardDuty does not report touches nothing. Assertions read IAM back.

use cordon_core::Decision;
use cordon_core::ports::Principal;
use cordon_emulators::{publish_finding, shared_moto};
use cordon_fixtures::{IamUserWithKeys, access_key_statuses, create_role, inline_policy};
use cordon_integration_tests::IdentityWorld;

const SEQUENCE: &str = "attack-sequence-compromised-credentials.json";
const POLICY: &str = "cordon-revoke-older-sessions";

/// The sample sequence about this world's user (its first key) and role.
async fn world_with_sequence() -> (IdentityWorld, IamUserWithKeys, String, serde_json::Value) {
    let world = IdentityWorld::at(&shared_moto().endpoint()).await;
    let user = IamUserWithKeys::create(&world.iam, &world.suffix, &[])
        .await
        .unwrap();
    let role = create_role(&world.iam, &world.suffix, &[]).await.unwrap();
    let event = world.event(
        SEQUENCE,
        &[
            ("\"alice\"", &format!("\"{}\"", user.user_name)),
            ("AKIAEXAMPLEKEY000001", &user.keys[0]),
            ("web-server-role", &role),
        ],
    );
    (world, user, role, event)
}

#[tokio::test]
async fn each_credential_of_an_attack_sequence_is_contained_once_and_the_record_lists_the_chain() {
    let (world, user, role, event) = world_with_sequence().await;
    let outcome = world.replay(event.clone()).await;
    assert_eq!(outcome.decision, Decision::Contained, "{outcome:#?}");

    let statuses = access_key_statuses(&world.iam, &user.user_name)
        .await
        .unwrap();
    assert_eq!(statuses[&user.keys[0]], "Inactive");
    assert_eq!(
        statuses[&user.keys[1]], "Active",
        "only the key the chain used"
    );
    for principal in [
        Principal::User(user.user_name.clone()),
        Principal::Role(role),
    ] {
        let policy = inline_policy(&world.iam, &principal, POLICY)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{principal}'s older sessions are denied"));
        assert_eq!(policy["Statement"][0]["Effect"], "Deny");
    }
    let once = |name: &str| outcome.steps.iter().filter(|s| s.name == name).count();
    assert_eq!(once("deactivate-access-key"), 1);
    assert_eq!(once("revoke-user-sessions"), 1);
    assert_eq!(once("revoke-role-sessions"), 1);

    let id = &outcome
        .record
        .as_ref()
        .expect("recorded")
        .response_finding_id;
    let found = Box::pin(world.securityhub.get_findings().send())
        .await
        .unwrap();
    let finding = found
        .findings()
        .iter()
        .find(|f| f.id() == Some(id))
        .unwrap_or_else(|| panic!("no response finding {id}"));
    let signals = &finding.product_fields().unwrap()["cordon/Signals"];
    for signal in ["MaliciousIPCaller.Custom", "CreateAccessKey", "StopLogging"] {
        assert!(signals.contains(signal), "{signals}");
    }
    assert_eq!(finding.resources().len(), 4, "two keys, a user and a role");

    let again = world.replay(event).await;
    assert_eq!(again.decision, Decision::Contained, "{again:#?}");
    assert!(!again.changed_anything(), "{again:#?}");
}

#[tokio::test]
async fn a_chain_guardduty_does_not_report_touches_nothing() {
    let (world, user, _, event) = world_with_sequence().await;
    publish_finding(&world.endpoint, &event).unwrap();
    // The event adds the user's second key as an actor of GuardDuty's real sequence.
    let mut forged = event;
    let actors = &mut forged["detail"]["service"]["detection"]["sequence"]["actors"];
    let mut extra = actors[0].clone();
    extra["user"]["credentialUid"] = serde_json::json!(user.keys[1]);
    actors.as_array_mut().unwrap().push(extra);

    let outcome = world.replay_unpublished(forged).await;
    assert_eq!(outcome.decision, Decision::Observed, "{outcome:#?}");
    assert!(outcome.possible_forgery, "{outcome:#?}");
    assert!(
        outcome.reason.contains("sequence's actors"),
        "{}",
        outcome.reason
    );
    let statuses = access_key_statuses(&world.iam, &user.user_name)
        .await
        .unwrap();
    assert!(statuses.values().all(|s| s == "Active"), "{statuses:?}");
}
