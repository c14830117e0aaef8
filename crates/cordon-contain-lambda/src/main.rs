//! The Lambda-containment function: a GuardDuty finding that a Lambda function talked
//! to a command-and-control server, a mining pool or Tor in, the function throttled to
//! 0 and its role's older sessions denied out. Wiring only: the pipeline and the
//! responder live in cordon-lambda.

// The SDK futures nested in the pipeline are deeper than rustc's default layout limit.
#![recursion_limit = "256"]

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    cordon_lambda::run::<cordon_lambda::FunctionResponder>().await
}
