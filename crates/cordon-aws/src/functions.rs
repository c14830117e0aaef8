//! [`FunctionControls`] on Lambda: a function's reserved concurrency, execution role
//! and tags. Nothing here reads or changes its code, configuration or triggers.

use crate::port_error;
use cordon_core::ports::{FunctionControls, PortResult};

#[derive(Clone, Debug)]
pub struct LambdaFunctions {
    client: aws_sdk_lambda::Client,
}

impl LambdaFunctions {
    pub fn new(client: aws_sdk_lambda::Client) -> Self {
        Self { client }
    }
}

impl FunctionControls for LambdaFunctions {
    async fn function_tags(&self, function_arn: &str) -> PortResult<Vec<(String, String)>> {
        let out = self
            .client
            .list_tags()
            .resource(function_arn)
            .send()
            .await
            .map_err(|err| port_error("lambda:ListTags", err))?;
        Ok(out
            .tags()
            .map(|tags| tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default())
    }

    async fn execution_role(&self, function: &str) -> PortResult<String> {
        let out = self
            .client
            .get_function_configuration()
            .function_name(function)
            .send()
            .await
            .map_err(|err| port_error("lambda:GetFunctionConfiguration", err))?;
        Ok(out.role().unwrap_or_default().to_owned())
    }

    async fn reserved_concurrency(&self, function: &str) -> PortResult<Option<i32>> {
        let out = self
            .client
            .get_function_concurrency()
            .function_name(function)
            .send()
            .await
            .map_err(|err| port_error("lambda:GetFunctionConcurrency", err))?;
        Ok(out.reserved_concurrent_executions())
    }

    async fn put_reserved_concurrency(&self, function: &str, reserved: i32) -> PortResult<()> {
        self.client
            .put_function_concurrency()
            .function_name(function)
            .reserved_concurrent_executions(reserved)
            .send()
            .await
            .map(|_| ())
            .map_err(|err| port_error("lambda:PutFunctionConcurrency", err))
    }

    async fn delete_reserved_concurrency(&self, function: &str) -> PortResult<()> {
        self.client
            .delete_function_concurrency()
            .function_name(function)
            .send()
            .await
            .map(|_| ())
            .map_err(|err| port_error("lambda:DeleteFunctionConcurrency", err))
    }

    async fn tag_function(&self, function_arn: &str, tags: &[(String, String)]) -> PortResult<()> {
        self.client
            .tag_resource()
            .resource(function_arn)
            .set_tags(Some(tags.iter().cloned().collect()))
            .send()
            .await
            .map(|_| ())
            .map_err(|err| port_error("lambda:TagResource", err))
    }
}
