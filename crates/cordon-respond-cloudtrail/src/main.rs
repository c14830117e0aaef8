//! The CloudTrail function: a tampering or exposing API call in, repaired and read
//! back. Wiring only: the pipeline and the responder live in cordon-lambda.

// The SDK futures nested in the pipeline are deeper than rustc's default layout limit.
#![recursion_limit = "256"]

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    cordon_lambda::run::<cordon_lambda::CloudTrailResponder>().await
}
