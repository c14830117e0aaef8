//! Hostile input against every function, in enforce mode, with the emulator
//! recording every request: each event ends in a parse error naming the field or a
//! refusal with its reason, and no request reaches AWS but the Security Hub record of
//! a refused finding.

use cordon_aws::Clients;
use cordon_core::{Decision, Outcome};
use cordon_emulators::MotoServer;
use cordon_events::{AccountId, ParseError};
use cordon_fixtures::{Placeholders, sdk_config};
use cordon_integration_tests::{hostile_corpus, hostile_texts};
use cordon_lambda::{
    AwsBucketPorts, AwsCloudTrailPorts, AwsCredentialPorts, AwsFunctionPorts, AwsInstancePorts,
    BucketResponder, CloudTrailResponder, Connect, ContainmentClock, Context, CredentialResponder,
    FunctionResponder, InstanceResponder, handle_event,
};

fn check(label: &str, function: &str, result: Result<Outcome, ParseError>) -> bool {
    match result {
        Err(err) => {
            let message = err.to_string();
            assert!(
                message.starts_with("event field `")
                    || message.starts_with("event is not valid JSON"),
                "{function} / {label}: unclear error: {message}"
            );
            true
        }
        Ok(outcome) => {
            assert!(
                matches!(outcome.decision, Decision::Ignored | Decision::Observed),
                "{function} / {label}: {outcome:#?}"
            );
            assert!(
                outcome.steps.is_empty(),
                "{function} / {label}: {outcome:#?}"
            );
            // A well-formed finding from an account cordon may not act in is refused,
            // one GuardDuty never reported is a possible forgery; both are recorded for
            // people, and nothing else is ever written.
            let refused_finding =
                outcome.decision == Decision::Observed && outcome.reason.starts_with("refused: ");
            assert_eq!(
                outcome.record.is_some(),
                refused_finding || outcome.possible_forgery,
                "{function} / {label}: {outcome:#?}"
            );
            assert!(!outcome.reason.is_empty());
            false
        }
    }
}

#[tokio::test]
async fn hostile_events_are_rejected_or_refused_and_never_reach_aws() {
    let moto = MotoServer::start().unwrap();
    let clients = Clients::new(&sdk_config(&moto.endpoint()).await);
    let instance = AwsInstancePorts::on_aws(&clients, None, None);
    let credentials = AwsCredentialPorts::on_aws(&clients, None, None);
    let trail = AwsCloudTrailPorts::on_aws(&clients, None, None);
    let bucket = AwsBucketPorts::on_aws(&clients, None, None);
    let lambda = AwsFunctionPorts::on_aws(&clients, None, None);
    let config = cordon_integration_tests::enforcing(|_| None).unwrap();
    let account: AccountId = Placeholders::ACCOUNT.parse().unwrap();
    let clock = ContainmentClock::HandlingStart;
    let corpus = hostile_corpus();
    assert!(corpus.len() >= 500, "only {} hostile events", corpus.len());
    moto.clear_recording().unwrap();

    let (mut rejected, mut refused) = (0, 0);
    for (label, event) in &corpus {
        let results = [
            (
                "instance",
                handle_event::<InstanceResponder>(
                    event.clone(),
                    &Context::new(&config, &account, clock),
                    &instance,
                )
                .await,
            ),
            (
                "credentials",
                handle_event::<CredentialResponder>(
                    event.clone(),
                    &Context::new(&config, &account, clock),
                    &credentials,
                )
                .await,
            ),
            (
                "cloudtrail",
                handle_event::<CloudTrailResponder>(
                    event.clone(),
                    &Context::new(&config, &account, clock),
                    &trail,
                )
                .await,
            ),
            (
                "bucket",
                handle_event::<BucketResponder>(
                    event.clone(),
                    &Context::new(&config, &account, clock),
                    &bucket,
                )
                .await,
            ),
            (
                "lambda",
                handle_event::<FunctionResponder>(
                    event.clone(),
                    &Context::new(&config, &account, clock),
                    &lambda,
                )
                .await,
            ),
        ];
        for (function, result) in results {
            if check(label, function, result) {
                rejected += 1;
            } else {
                refused += 1;
            }
        }
    }
    let reached: Vec<_> = moto
        .recorded_services()
        .unwrap()
        .into_iter()
        // Security Hub records; GuardDuty is asked whether it reported the finding.
        .filter(|service| service != "securityhub" && service != "guardduty")
        .collect();
    assert_eq!(
        reached,
        Vec::<String>::new(),
        "hostile input reached AWS: {:?}",
        moto.recorded_actions().unwrap()
    );
    assert!(
        rejected > 0 && refused > 0,
        "{rejected} rejected, {refused} refused"
    );
    println!(
        "{} hostile events x 5 functions: {rejected} rejected, {refused} refused, 0 requests but GuardDuty reads and Security Hub records",
        corpus.len()
    );
}

#[test]
fn hostile_texts_are_parsed_or_refused_without_panicking() {
    for (label, text) in hostile_texts() {
        match cordon_events::parse_event(text.as_bytes()) {
            Err(err) => assert!(!err.to_string().is_empty(), "{label}"),
            Ok(event) => {
                // serde keeps the last of duplicate keys: the event is then about
                // another account, which triage refuses.
                assert_eq!(label, "duplicate account key");
                assert_eq!(event.envelope().account.as_str(), "999999999999");
            }
        }
    }
}
