use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};

/// AWS's standard retry mode (exponential backoff with jitter, throttling, 5xx,
/// timeouts and dropped connections retried), with five attempts: enough to ride out
/// a throttling burst inside the function's timeout. What still fails fails the
/// invocation, and Lambda's retries and the dead-letter queue take over.
pub fn retry_config() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(5)
}

/// Loads the standard AWS configuration (environment, profiles, `AWS_ENDPOINT_URL` and
/// the per-service endpoint variables), with optional overrides from the command line.
pub async fn load_sdk_config(endpoint: Option<&str>, region: Option<&str>) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).retry_config(retry_config());
    if let Some(endpoint) = endpoint {
        loader = loader.endpoint_url(endpoint);
    }
    if let Some(region) = region {
        loader = loader.region(Region::new(region.to_owned()));
    }
    loader.load().await
}
