use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_ec2::config::Credentials;

pub const TEST_REGION: &str = "us-east-1";

/// SDK configuration for the emulator: its endpoint, throwaway credentials, one region,
/// and cordon's retry policy (standard mode, five attempts) with a short first backoff,
/// as the emulator answers in milliseconds.
pub async fn sdk_config(endpoint: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .retry_config(
            aws_config::retry::RetryConfig::standard()
                .with_max_attempts(5)
                .with_initial_backoff(std::time::Duration::from_millis(20)),
        )
        .endpoint_url(endpoint)
        .region(Region::new(TEST_REGION))
        .credentials_provider(Credentials::new(
            "testing",
            "testing",
            None,
            None,
            "cordon-fixtures",
        ))
        .load()
        .await
}

/// SDK configuration for another account of the emulator, as a person with a role
/// there would have it: credentials the emulator's STS issues for
/// `arn:aws:iam::<account>:role/<role>`, which it attributes to that account.
pub async fn sdk_config_in_account(endpoint: &str, account: &str, role: &str) -> SdkConfig {
    let home = sdk_config(endpoint).await;
    let provider =
        aws_config::sts::AssumeRoleProvider::builder(format!("arn:aws:iam::{account}:role/{role}"))
            .session_name("cordon-fixtures-estate")
            .configure(&home)
            .build()
            .await;
    home.into_builder()
        .credentials_provider(aws_sdk_ec2::config::SharedCredentialsProvider::new(
            provider,
        ))
        .identity_cache(aws_config::identity::IdentityCache::lazy().build())
        .build()
}
