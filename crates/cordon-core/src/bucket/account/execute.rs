//! Carries out an account-block plan: the block is read, turned fully on and read
//! back. A repeat finds it on and writes nothing. There is no tag to read first: an
//! account carries none (triage has applied the allow-list and break-glass rules).

use super::AccountBlockIncident;
use crate::bucket::describe;
use crate::ports::{AccountPublicAccess, PublicAccessBlock};
use crate::{Plan, StepKind, StepReport, StepStatus};

#[derive(Clone, Debug, PartialEq)]
pub struct AccountRun {
    /// One per plan step, in plan order.
    pub reports: Vec<StepReport>,
    /// The block as S3 Control held it before cordon's change, when it was read:
    /// `Some(None)` means the account had no block configured.
    pub before: Option<Option<PublicAccessBlock>>,
}

pub async fn execute<P: AccountPublicAccess>(
    port: &P,
    incident: &AccountBlockIncident,
    plan: &Plan,
) -> AccountRun {
    let Some(step) = plan.step(StepKind::BlockAccountPublicAccess) else {
        return AccountRun {
            reports: Vec::new(),
            before: None,
        };
    };
    let account = &incident.account_id;
    let before = match port.account_public_access_block(account).await {
        Ok(before) => before,
        Err(err) => {
            return AccountRun {
                reports: vec![step.failed(&err)],
                before: None,
            };
        }
    };
    if before.is_some_and(|b| b.is_all_on()) {
        return AccountRun {
            reports: vec![step.report(
                StepStatus::AlreadyDone,
                "all four settings already on for the account (read back)",
            )],
            before: Some(before),
        };
    }
    let was = describe(before);
    let after = async {
        port.put_account_public_access_block(account, PublicAccessBlock::ALL_ON)
            .await?;
        port.account_public_access_block(account).await
    }
    .await;
    let report = match after {
        Ok(Some(block)) if block.is_all_on() => step.report(
            StepStatus::Done,
            format!("all four settings on for the account (read back); before: {was}"),
        ),
        Ok(after) => step.report(
            StepStatus::Failed,
            format!(
                "read back {} after turning all four on; before: {was}",
                describe(after)
            ),
        ),
        Err(err) => step.failed(&err),
    };
    AccountRun {
        reports: vec![report],
        before: Some(before),
    }
}
