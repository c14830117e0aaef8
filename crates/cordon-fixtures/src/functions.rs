//! A Lambda function with an execution role of its own, as the sample Lambda findings
//! name it, and the reads that check what the Lambda playbook did. The emulator stores
//! the code without running it, so an empty archive is enough.

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{FunctionCode, Runtime};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const LAMBDA_TRUST_POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#;

/// An empty zip archive: the end-of-central-directory record alone.
const EMPTY_ZIP: [u8; 22] = [
    0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
];

/// A function named `name`, run by the role `<name>-role`, with `reserved`
/// concurrency (`None`: unreserved) and `tags`; returns its ARN.
pub async fn create_function(
    iam: &aws_sdk_iam::Client,
    lambda: &aws_sdk_lambda::Client,
    name: &str,
    reserved: Option<i32>,
    tags: &[(&str, &str)],
) -> Result<String, BoxError> {
    let role = iam
        .create_role()
        .role_name(format!("{name}-role"))
        .assume_role_policy_document(LAMBDA_TRUST_POLICY)
        .send()
        .await?;
    let role_arn = role.role().map(|r| r.arn().to_owned()).unwrap_or_default();
    let function = lambda
        .create_function()
        .function_name(name)
        .runtime(Runtime::Providedal2023)
        .handler("bootstrap")
        .role(role_arn)
        .code(
            FunctionCode::builder()
                .zip_file(Blob::new(EMPTY_ZIP))
                .build(),
        )
        .set_tags(Some(
            tags.iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        ))
        .send()
        .await?;
    if let Some(reserved) = reserved {
        lambda
            .put_function_concurrency()
            .function_name(name)
            .reserved_concurrent_executions(reserved)
            .send()
            .await?;
    }
    Ok(function.function_arn().unwrap_or_default().to_owned())
}

/// The function's reserved concurrency; `None` when it has none.
pub async fn reserved_concurrency(
    lambda: &aws_sdk_lambda::Client,
    name: &str,
) -> Result<Option<i32>, BoxError> {
    let out = lambda
        .get_function_concurrency()
        .function_name(name)
        .send()
        .await?;
    Ok(out.reserved_concurrent_executions())
}

/// The function's tags, by key.
pub async fn function_tags(
    lambda: &aws_sdk_lambda::Client,
    function_arn: &str,
) -> Result<Vec<(String, String)>, BoxError> {
    let out = lambda.list_tags().resource(function_arn).send().await?;
    let mut tags: Vec<(String, String)> = out
        .tags()
        .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    tags.sort();
    Ok(tags)
}
