//! The bucket-containment function: a GuardDuty finding that a bucket was opened to
//! the world in, its S3 Block Public Access back on (all four settings) out. Wiring
//! only: the pipeline and the responder live in cordon-lambda.

// The SDK futures nested in the pipeline are deeper than rustc's default layout limit.
#![recursion_limit = "256"]

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    cordon_lambda::run::<cordon_lambda::BucketResponder>().await
}
