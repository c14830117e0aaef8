//! `cordon release` of a Lambda incident: the functions its response finding names,
//! each back to the reserved concurrency cordon's ledger recorded, its role's session
//! deny removed.

use super::print;
use crate::cli::ReleaseArgs;
use cordon_aws::{Clients, IamPrincipals, LambdaFunctions, incident_functions, ledger_on};
use cordon_core::lambda::{self, FunctionName, Released};
use cordon_events::AccountId;

/// The functions released (`true` when every step held) and their names; `Ok(None)`
/// when Security Hub has no Lambda incident `response_id`.
pub async fn release(
    clients: &Clients,
    account: &AccountId,
    response_id: &str,
    incident: &str,
    args: &ReleaseArgs,
) -> Result<Option<(bool, Vec<String>)>, String> {
    let arns = incident_functions(&clients.securityhub, response_id)
        .await
        .map_err(|err| err.to_string())?;
    if arns.is_empty() {
        return Ok(None);
    }
    let ledger = ledger_on(clients, super::ledger_table());
    let (functions, principals) = (
        LambdaFunctions::new(clients.lambda.clone()),
        IamPrincipals::new(clients.iam.clone()),
    );
    let mut released = true;
    let mut names = Vec::new();
    for arn in &arns {
        let function = function_in(arn, account.as_str())?;
        let target = Released {
            account,
            function: &function,
            function_arn: arn,
        };
        let reports = lambda::release(
            &functions,
            &principals,
            ledger.as_ref(),
            target,
            args.dry_run,
        )
        .await;
        released &= print(&format!("function {function}"), incident, &reports, args);
        names.push(format!("function {function}"));
    }
    Ok(Some((released, names)))
}

/// The function an ARN names, when it is in the account release runs in.
fn function_in(arn: &str, account: &str) -> Result<FunctionName, String> {
    let parts: Vec<&str> = arn.split(':').collect();
    match parts[..] {
        ["arn", _, "lambda", _, owner, "function", name] if owner == account => name.parse(),
        _ => Err(format!(
            "the response finding names {arn}, which is not a function in account {account}"
        )),
    }
}
