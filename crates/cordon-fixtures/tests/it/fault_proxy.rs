//! The fault proxy between the SDK and the emulator: calls pass through and are
//! counted, injected faults reach the SDK worded as the real services word them and
//! are retried as such, and added latency shows in the round-trip count.

use aws_sdk_ec2::config::retry::{RetryConfig, RetryPartition};
use aws_sdk_ec2::error::{ProvideErrorMetadata, SdkError};
use cordon_emulators::{FaultKind, FaultProxy, Faults, shared_moto};
use cordon_fixtures::sdk_config;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

fn start(faults: Faults) -> FaultProxy {
    FaultProxy::start(&shared_moto().endpoint(), faults).unwrap()
}

/// Standard retries with a short backoff. Each test names its own retry partition:
/// the SDK's retry-token bucket is shared per partition across the process, and
/// tests running side by side must not drain each other's.
fn retries(max_attempts: u32) -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(max_attempts)
        .with_initial_backoff(Duration::from_millis(10))
}

async fn ec2(
    proxy: &FaultProxy,
    max_attempts: u32,
    partition: &'static str,
) -> aws_sdk_ec2::Client {
    let sdk = sdk_config(&proxy.endpoint()).await;
    aws_sdk_ec2::Client::from_conf(
        aws_sdk_ec2::config::Builder::from(&sdk)
            .retry_config(retries(max_attempts))
            .retry_partition(RetryPartition::new(partition))
            .build(),
    )
}

async fn iam(
    proxy: &FaultProxy,
    max_attempts: u32,
    partition: &'static str,
) -> aws_sdk_iam::Client {
    let sdk = sdk_config(&proxy.endpoint()).await;
    aws_sdk_iam::Client::from_conf(
        aws_sdk_iam::config::Builder::from(&sdk)
            .retry_config(retries(max_attempts))
            .retry_partition(RetryPartition::new(partition))
            .build(),
    )
}

fn throttled() -> Faults {
    Faults {
        rate: 1.0,
        kinds: vec![FaultKind::Throttle],
        ..Faults::default()
    }
}

#[tokio::test]
async fn without_faults_calls_pass_through_and_are_counted() {
    let proxy = start(Faults::default());
    let sdk = sdk_config(&proxy.endpoint()).await;
    let vpcs = aws_sdk_ec2::Client::new(&sdk)
        .describe_vpcs()
        .send()
        .await
        .unwrap();
    assert!(!vpcs.vpcs().is_empty(), "the emulator's default VPC");
    aws_sdk_iam::Client::new(&sdk)
        .list_users()
        .send()
        .await
        .unwrap();
    aws_sdk_cloudtrail::Client::new(&sdk)
        .describe_trails()
        .send()
        .await
        .unwrap();

    let calls = proxy.calls();
    let seen: Vec<_> = calls
        .iter()
        .map(|c| (c.service.as_str(), c.action.as_str(), c.fault))
        .collect();
    assert_eq!(
        seen,
        [
            ("ec2", "DescribeVpcs", None),
            ("iam", "ListUsers", None),
            ("cloudtrail", "DescribeTrails", None),
        ]
    );
    assert_eq!(proxy.total_calls(), 3);
    assert_eq!(proxy.injected_faults(), 0);
    assert_eq!(proxy.sequential_round_trips(), 3);

    proxy.reset();
    assert_eq!(proxy.total_calls(), 0);

    // Dropped, it stops listening.
    let address = proxy.endpoint().trim_start_matches("http://").to_owned();
    drop(proxy);
    assert!(std::net::TcpStream::connect(address).is_err());
}

#[tokio::test]
async fn throttling_is_worded_as_each_service_words_it_and_retried() {
    let proxy = start(throttled());

    let err = ec2(&proxy, 3, "throttle-ec2")
        .await
        .describe_vpcs()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("RequestLimitExceeded"), "{err:?}");
    assert_eq!(proxy.total_calls(), 3, "one call per attempt");
    assert_eq!(proxy.injected_faults(), 3);

    proxy.reset();
    let err = iam(&proxy, 3, "throttle-iam")
        .await
        .list_users()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("Throttling"), "{err:?}");
    assert_eq!(proxy.total_calls(), 3);

    // The JSON protocols: awsJson (CloudTrail) and restJson (Security Hub).
    proxy.reset();
    let sdk = sdk_config(&proxy.endpoint()).await;
    let cloudtrail = aws_sdk_cloudtrail::Client::from_conf(
        aws_sdk_cloudtrail::config::Builder::from(&sdk)
            .retry_config(retries(2))
            .retry_partition(RetryPartition::new("throttle-cloudtrail"))
            .build(),
    );
    let err = cloudtrail.describe_trails().send().await.unwrap_err();
    assert_eq!(err.code(), Some("ThrottlingException"), "{err:?}");
    let securityhub = aws_sdk_securityhub::Client::from_conf(
        aws_sdk_securityhub::config::Builder::from(&sdk)
            .retry_config(retries(2))
            .retry_partition(RetryPartition::new("throttle-securityhub"))
            .build(),
    );
    let err = securityhub.describe_hub().send().await.unwrap_err();
    assert_eq!(err.code(), Some("ThrottlingException"), "{err:?}");
    let services: Vec<_> = proxy.calls().into_iter().map(|c| c.service).collect();
    assert_eq!(
        services,
        ["cloudtrail", "cloudtrail", "securityhub", "securityhub"]
    );
}

#[tokio::test]
async fn a_dropped_connection_is_a_dispatch_failure() {
    let proxy = start(Faults {
        rate: 1.0,
        kinds: vec![FaultKind::DropConnection],
        ..Faults::default()
    });
    let err = ec2(&proxy, 2, "drop-ec2")
        .await
        .describe_vpcs()
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::DispatchFailure(_)), "{err:?}");
    assert_eq!(proxy.total_calls(), 2, "retried as a transient error");
}

/// At rate 0.5 a call fails all five attempts one time in 32, so about half of all
/// seeds fail one of 20 calls. The calls are sequential, so the faults they meet
/// follow from the seed alone: with fastrand's generator, this one gives every call a
/// success within five attempts, and all four kinds of fault on the way.
#[tokio::test]
async fn with_half_the_calls_failing_standard_retries_get_every_call_through() {
    let proxy = start(Faults {
        rate: 0.5,
        kinds: vec![
            FaultKind::Throttle,
            FaultKind::InternalError,
            FaultKind::Unavailable,
            FaultKind::DropConnection,
        ],
        seed: 8,
        ..Faults::default()
    });
    let client = ec2(&proxy, 5, "half-faulty-ec2").await;
    for _ in 0..20 {
        client.describe_vpcs().send().await.unwrap();
    }
    let faults = proxy.injected_faults();
    assert!(faults > 0);
    assert_eq!(
        proxy.total_calls(),
        20 + faults,
        "each fault cost one retry"
    );
    let kinds: BTreeSet<_> = proxy
        .calls()
        .iter()
        .filter_map(|c| c.fault)
        .map(|k| format!("{k:?}"))
        .collect();
    assert_eq!(kinds.len(), 4, "{kinds:?}");
}

#[tokio::test]
async fn faults_can_be_limited_to_one_service() {
    let proxy = start(Faults {
        services: vec!["iam".into()],
        ..throttled()
    });
    ec2(&proxy, 1, "only-iam-ec2")
        .await
        .describe_vpcs()
        .send()
        .await
        .unwrap();
    let err = iam(&proxy, 1, "only-iam-iam")
        .await
        .list_users()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("Throttling"), "{err:?}");
    assert_eq!(proxy.injected_faults(), 1);
}

#[tokio::test]
async fn latency_shows_in_sequential_but_not_concurrent_round_trips() {
    let proxy = start(Faults {
        latency: Duration::from_millis(50),
        ..Faults::default()
    });
    let client = ec2(&proxy, 1, "latency-ec2").await;

    let started = Instant::now();
    client.describe_vpcs().send().await.unwrap();
    client.describe_vpcs().send().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(100));
    assert_eq!(proxy.sequential_round_trips(), 2);

    proxy.reset();
    let (a, b) = tokio::join!(client.describe_vpcs().send(), client.describe_vpcs().send());
    a.unwrap();
    b.unwrap();
    assert_eq!(proxy.total_calls(), 2);
    assert_eq!(proxy.sequential_round_trips(), 1);
}
