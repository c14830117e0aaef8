//! `LambdaFunctions` against the emulator: a function's tags, execution role and
//! reserved concurrency, read and written as the Lambda playbook does.

use crate::support::{clients, unique};
use cordon_aws::LambdaFunctions;
use cordon_core::ports::{FunctionControls, NO_SUCH_FUNCTION};
use cordon_fixtures::create_function;

#[tokio::test]
async fn concurrency_is_read_set_to_zero_and_restored_and_tags_read_back() {
    let clients = clients().await;
    let name = unique("cordon-fn");
    let arn = create_function(
        &clients.iam,
        &clients.lambda,
        &name,
        None,
        &[("Team", "media")],
    )
    .await
    .expect("function");
    let port = LambdaFunctions::new(clients.lambda.clone());

    assert_eq!(
        port.function_tags(&arn).await.expect("tags"),
        vec![("Team".to_owned(), "media".to_owned())]
    );
    assert!(
        port.execution_role(&name)
            .await
            .expect("role")
            .ends_with(&format!(":role/{name}-role"))
    );
    assert_eq!(port.reserved_concurrency(&name).await.expect("read"), None);
    port.put_reserved_concurrency(&name, 0).await.expect("put");
    assert_eq!(
        port.reserved_concurrency(&name).await.expect("read"),
        Some(0)
    );
    port.delete_reserved_concurrency(&name)
        .await
        .expect("delete");
    assert_eq!(port.reserved_concurrency(&name).await.expect("read"), None);

    let tags = [("cordon:status".to_owned(), "contained".to_owned())];
    port.tag_function(&arn, &tags).await.expect("tag");
    assert!(
        port.function_tags(&arn)
            .await
            .expect("tags")
            .contains(&tags[0])
    );
}

#[tokio::test]
async fn a_missing_function_says_so() {
    let clients = clients().await;
    let port = LambdaFunctions::new(clients.lambda.clone());
    let err = port
        .reserved_concurrency("cordon-no-such-function")
        .await
        .expect_err("missing");
    assert_eq!(err.code.as_deref(), Some(NO_SUCH_FUNCTION), "{err}");
    assert_eq!(err.operation, "lambda:GetFunctionConcurrency");
}
