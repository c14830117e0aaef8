//! The instance-containment function: a GuardDuty finding about an EC2 instance in, a
//! verified isolation out. Wiring only: the pipeline and the responder live in cordon-
//! lambda.

// The SDK futures nested in the pipeline are deeper than rustc's default layout limit.
#![recursion_limit = "256"]

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    cordon_lambda::run::<cordon_lambda::InstanceResponder>().await
}
