//! The credential function against the emulator, through the real SDK clients.
//! Assertions read IAM back, never the handler's report.

use cordon_core::Decision;
use cordon_core::ports::Principal;
use cordon_emulators::{MotoServer, shared_moto};
use cordon_fixtures::{IamUserWithKeys, access_key_statuses, create_role, inline_policy};
use cordon_integration_tests::IdentityWorld;

const POLICY: &str = "cordon-revoke-older-sessions";
const USER: &str = "\"alice\"";
const KEY_A: &str = "AKIAEXAMPLEKEY000001";

fn cutoff(policy: &serde_json::Value) -> String {
    policy["Statement"][0]["Condition"]["DateLessThan"]["aws:TokenIssueTime"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_stolen_user_key_is_deactivated_alone_and_a_second_delivery_changes_nothing() {
    let world = IdentityWorld::at(&shared_moto().endpoint()).await;
    let user = IamUserWithKeys::create(&world.iam, &world.suffix, &[])
        .await
        .unwrap();
    let event = world.event(
        "iam-user-credential-exfiltration.json",
        &[
            (USER, &format!("\"{}\"", user.user_name)),
            (KEY_A, &user.keys[0]),
        ],
    );

    let outcome = world.replay(event.clone()).await;
    assert_eq!(outcome.decision, Decision::Contained, "{outcome:#?}");
    let statuses = access_key_statuses(&world.iam, &user.user_name)
        .await
        .unwrap();
    assert_eq!(statuses[&user.keys[0]], "Inactive");
    assert_eq!(
        statuses[&user.keys[1]], "Active",
        "the user's other key is untouched"
    );
    let principal = Principal::User(user.user_name.clone());
    let policy = inline_policy(&world.iam, &principal, POLICY)
        .await
        .unwrap()
        .expect("the user's older sessions are denied");
    assert_eq!(policy["Statement"][0]["Effect"], "Deny");
    let first_cutoff = cutoff(&policy);

    // The response finding is in Security Hub.
    let id = &outcome
        .record
        .as_ref()
        .expect("recorded")
        .response_finding_id;
    let found = Box::pin(world.securityhub.get_findings().send())
        .await
        .unwrap();
    assert!(found.findings().iter().any(|f| f.id() == Some(id)), "{id}");

    let again = world.replay(event).await;
    assert_eq!(again.decision, Decision::Contained, "{again:#?}");
    assert!(!again.changed_anything(), "{again:#?}");
    let policy = inline_policy(&world.iam, &principal, POLICY)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cutoff(&policy), first_cutoff);
    let statuses = access_key_statuses(&world.iam, &user.user_name)
        .await
        .unwrap();
    assert_eq!(statuses[&user.keys[1]], "Active");
}

#[tokio::test]
async fn stolen_instance_credentials_deny_the_roles_sessions_and_deactivate_no_key() {
    let world = IdentityWorld::at(&shared_moto().endpoint()).await;
    let role = create_role(&world.iam, &world.suffix, &[]).await.unwrap();
    let event = world.event(
        "instance-credential-exfiltration.json",
        &[("web-server-role", &role)],
    );
    let outcome = world.replay(event).await;
    assert_eq!(outcome.decision, Decision::Contained, "{outcome:#?}");
    let policy = inline_policy(&world.iam, &Principal::Role(role.clone()), POLICY)
        .await
        .unwrap()
        .expect("the role's older sessions are denied");
    assert_eq!(policy["Statement"][0]["Effect"], "Deny");
    assert!(
        outcome
            .steps
            .iter()
            .all(|s| s.name != "deactivate-access-key")
    );
    let temporary = outcome
        .steps
        .iter()
        .find(|s| s.name == "temporary-credential")
        .unwrap();
    assert!(
        temporary.detail.contains("cannot be deactivated"),
        "{temporary:?}"
    );
    let revoke = outcome
        .steps
        .iter()
        .find(|s| s.name == "revoke-role-sessions")
        .unwrap();
    assert!(
        revoke.detail.contains("ec2.amazonaws.com"),
        "names who uses the role: {revoke:?}"
    );
}

#[tokio::test]
async fn root_use_writes_nothing_to_iam_and_is_recorded_as_critical() {
    let server = MotoServer::start().unwrap_or_else(|e| panic!("{e}"));
    let world = IdentityWorld::at(&server.endpoint()).await;
    server.clear_recording().unwrap();
    let outcome = world
        .replay(world.event("root-credential-usage.json", &[]))
        .await;
    assert_eq!(outcome.decision, Decision::Observed, "{outcome:#?}");
    assert!(
        outcome.reason.contains("no API can disable root"),
        "{outcome:#?}"
    );

    let writes = server.recorded_writes().unwrap();
    let iam_writes: Vec<&String> = writes.iter().filter(|w| w.starts_with("iam:")).collect();
    assert!(iam_writes.is_empty(), "{iam_writes:?}");
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
        .expect("the root finding is in Security Hub");
    let label = finding.severity().and_then(|s| s.label()).unwrap();
    assert_eq!(label.as_str(), "CRITICAL");
}

#[tokio::test]
async fn an_exempt_user_is_untouched() {
    let world = IdentityWorld::at(&shared_moto().endpoint()).await;
    let user = IamUserWithKeys::create(
        &world.iam,
        &world.suffix,
        &[("cordon:exempt", "incident-team")],
    )
    .await
    .unwrap();
    let event = world.event(
        "iam-user-exempt.json",
        &[
            ("\"break-glass-admin\"", &format!("\"{}\"", user.user_name)),
            ("AKIAEXAMPLEKEY000009", &user.keys[0]),
        ],
    );
    let outcome = world.replay(event).await;
    assert_eq!(outcome.decision, Decision::Observed, "{outcome:#?}");
    assert!(outcome.reason.contains("exempt"), "{outcome:#?}");
    let statuses = access_key_statuses(&world.iam, &user.user_name)
        .await
        .unwrap();
    assert!(statuses.values().all(|s| s == "Active"), "{statuses:?}");
    let principal = Principal::User(user.user_name.clone());
    assert_eq!(
        inline_policy(&world.iam, &principal, POLICY).await.unwrap(),
        None
    );
}
