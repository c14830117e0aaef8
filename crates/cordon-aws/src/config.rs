use aws_config::{BehaviorVersion, Region, SdkConfig};

/// Loads the standard AWS configuration (environment, profiles, `AWS_ENDPOINT_URL` and
/// the per-service endpoint variables), with optional overrides from the command line.
pub async fn load_sdk_config(endpoint: Option<&str>, region: Option<&str>) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(endpoint) = endpoint {
        loader = loader.endpoint_url(endpoint);
    }
    if let Some(region) = region {
        loader = loader.region(Region::new(region.to_owned()));
    }
    loader.load().await
}
