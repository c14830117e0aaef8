//! Undoing a Lambda function's containment once people have dealt with it: its reserved
//! concurrency as cordon recorded it before the throttle, its role's session deny
//! removed, each read back. The `cordon:original-concurrency` tag is only a copy: one
//! that disagrees with the record stops the restore.

use super::{FunctionName, parse_concurrency, record_subject};
use crate::credential::remove_session_deny;
use crate::instance::PreIncident;
use crate::names::{ORIGINAL_CONCURRENCY_TAG, STATUS_TAG};
use crate::ports::{FunctionControls, IncidentLedger, Principal, PrincipalCredentials};
use crate::{Step, StepKind, StepReport, StepStatus};
use cordon_events::AccountId;

/// The function to release, as cordon's response finding names it.
pub struct Released<'a> {
    pub account: &'a AccountId,
    pub function: &'a FunctionName,
    pub function_arn: &'a str,
}

/// Releases a throttled function: its reserved concurrency back as recorded, its
/// execution role's `cordon-revoke-older-sessions` policy deleted, the function tagged
/// released and the record forgotten. With `dry_run`, reports and changes nothing.
/// Without a ledger (a local replay keeps none) the tag is all there is; with one, a
/// function it holds no record of is not touched.
pub async fn release<F, P, L>(
    functions: &F,
    principals: &P,
    ledger: Option<&L>,
    target: Released<'_>,
    dry_run: bool,
) -> Vec<StepReport>
where
    F: FunctionControls,
    P: PrincipalCredentials,
    L: IncidentLedger,
{
    let name = target.function.as_str();
    let step = |kind| Step {
        kind,
        target: name.to_owned(),
        detail: String::new(),
    };
    let restore = step(StepKind::RestoreConcurrency);
    let subject = record_subject(target.account.as_str(), target.function);
    let (tags, record) = futures_util::join!(functions.function_tags(target.function_arn), async {
        match ledger {
            Some(ledger) => ledger.kept_record(&subject).await.map(Some),
            None => Ok(None),
        }
    });
    let (tags, record) = match (tags, record) {
        (Ok(tags), Ok(record)) => (tags, record.map(PreIncident::from_entries)),
        (Err(err), _) | (_, Err(err)) => return vec![restore.failed(&err)],
    };
    let tag = |key: &str| {
        tags.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    if record.as_ref().is_some_and(PreIncident::is_empty) {
        return vec![match tag(STATUS_TAG) {
            Some("released") => restore.report(StepStatus::AlreadyDone, "already released"),
            _ => restore.report(
                StepStatus::Failed,
                "cordon's ledger holds no record of containing it, so nothing is restored (a cordon:incident tag alone proves nothing)",
            ),
        }];
    }
    let original = PreIncident::restore_value(
        record.as_ref(),
        name,
        ORIGINAL_CONCURRENCY_TAG,
        tag(ORIGINAL_CONCURRENCY_TAG),
    )
    .and_then(|value| {
        let value = value.ok_or("nothing recorded: cordon did not throttle it")?;
        parse_concurrency(&value)
    });
    let restored = match original {
        Ok(original) => restore_concurrency(functions, &restore, name, original, dry_run).await,
        Err(why) => restore.report(StepStatus::Failed, why),
    };
    let deny = match functions.execution_role(name).await {
        Ok(arn) => match super::execute::role_in(&arn, target.account.as_str()) {
            Some(role) => {
                remove_session_deny(principals, &Principal::Role(role.to_owned()), dry_run).await
            }
            None => step(StepKind::RemoveSessionDeny).report(
                StepStatus::Skipped,
                format!(
                    "the execution role {arn} is not in this account: cordon denied nothing there"
                ),
            ),
        },
        Err(err) => step(StepKind::RemoveSessionDeny).failed(&err),
    };
    let mut reports = vec![restored, deny];
    let mark = step(StepKind::MarkReleased);
    reports.push(if dry_run {
        mark.report(
            StepStatus::Planned,
            "tag the function cordon:status=released",
        )
    } else if reports.iter().all(|r| r.status.is_ok()) {
        let released = [(STATUS_TAG.to_owned(), "released".to_owned())];
        let marked = async {
            functions
                .tag_function(target.function_arn, &released)
                .await?;
            match ledger {
                Some(ledger) => ledger.forget_record(&subject).await,
                None => Ok(()),
            }
        };
        match marked.await {
            Ok(()) => mark.report(
                StepStatus::Done,
                "cordon:status=released; the recorded concurrency is removed from the ledger",
            ),
            Err(err) => mark.failed(&err),
        }
    } else {
        mark.report(StepStatus::Skipped, "not every step was restored")
    });
    reports
}

/// Puts the recorded reservation back (`None`: back to the unreserved pool) and reads
/// it back. A function no longer at 0 was changed by someone since: left as it is.
async fn restore_concurrency<F: FunctionControls>(
    functions: &F,
    step: &Step,
    name: &str,
    original: Option<i32>,
    dry_run: bool,
) -> StepReport {
    let shown = super::concurrency_value(original);
    let now = match functions.reserved_concurrency(name).await {
        Ok(now) => now,
        Err(err) => return step.failed(&err),
    };
    if now == original {
        return step.report(
            StepStatus::AlreadyDone,
            format!("reserved concurrency is {shown}, as recorded"),
        );
    }
    if now != Some(0) {
        return step.report(
            StepStatus::Skipped,
            format!(
                "reserved concurrency is {}, not cordon's 0: someone changed it since, so it is left as it is (recorded before: {shown})",
                super::concurrency_value(now)
            ),
        );
    }
    if dry_run {
        return step.report(
            StepStatus::Planned,
            format!("reserved concurrency back to {shown}"),
        );
    }
    let after = async {
        match original {
            Some(n) => functions.put_reserved_concurrency(name, n).await?,
            None => functions.delete_reserved_concurrency(name).await?,
        }
        functions.reserved_concurrency(name).await
    }
    .await;
    match after {
        Ok(after) if after == original => step.report(
            StepStatus::Done,
            format!("reserved concurrency back to {shown} (read back)"),
        ),
        Ok(after) => step.report(
            StepStatus::Failed,
            format!(
                "read back {} after restoring {shown}",
                super::concurrency_value(after)
            ),
        ),
        Err(err) => step.failed(&err),
    }
}
