//! Defence in depth for flows still tracked: the shortest idle timeouts EC2 allows on
//! every interface. Where the endpoint cannot do it, the step says so and is skipped.

use super::Context;
use crate::names::CONNECTION_TRACKING_TAG;
use crate::ports::{
    ConnectionTrackingTimeouts, NetworkInterfaceState, NetworkIsolation, PortError,
};
use crate::{StepKind, StepReport, StepStatus};
use futures_util::future::join_all;

/// Codes meaning "not on this instance or endpoint", not "cordon got it wrong".
const UNSUPPORTED_CODES: &[&str] = &["UnsupportedOperation", "NotImplemented"];

pub(super) async fn shorten<N: NetworkIsolation>(network: &N, cx: &Context<'_>) -> Vec<StepReport> {
    let Some(step) = cx.plan.step(StepKind::ShortenConnectionTracking) else {
        return Vec::new();
    };
    if cx.interfaces.is_empty() {
        return vec![step.report(StepStatus::Skipped, "no interfaces were read")];
    }
    let results = join_all(cx.interfaces.iter().map(|eni| shorten_one(network, eni))).await;
    let status = combine(results.iter().map(|(status, _)| *status));
    let detail: Vec<String> = cx
        .interfaces
        .iter()
        .zip(&results)
        .map(|(eni, (_, detail))| format!("{}: {detail}", eni.id))
        .collect();
    vec![step.report(status, detail.join("; "))]
}

async fn shorten_one<N: NetworkIsolation>(
    network: &N,
    eni: &NetworkInterfaceState,
) -> (StepStatus, String) {
    let minimum = ConnectionTrackingTimeouts::MINIMUM;
    match network.connection_tracking_timeouts(&eni.id).await {
        Ok(Some(current)) if current == minimum => {
            return (StepStatus::AlreadyDone, "already at the minimum".into());
        }
        // Asked for before and still not reported: asking again would change nothing.
        Ok(None) if eni.connection_tracking_requested => {
            return (StepStatus::Skipped, UNREPORTED.into());
        }
        Ok(_) => {}
        Err(err) => return unless_unsupported(err),
    }
    if let Err(err) = network
        .set_connection_tracking_timeouts(&eni.id, &minimum)
        .await
    {
        return unless_unsupported(err);
    }
    // Tagged once the timeouts were accepted, alongside the read-back that proves them.
    let tag = [(CONNECTION_TRACKING_TAG.to_owned(), describe(&minimum))];
    let eni_ids = [eni.id.to_string()];
    let (tagged, after) = futures_util::join!(
        network.tag_resources(&eni_ids, &tag),
        network.connection_tracking_timeouts(&eni.id),
    );
    if let Err(err) = tagged {
        return unless_unsupported(err);
    }
    match after {
        Ok(Some(after)) if after == minimum => (StepStatus::Done, describe(&after)),
        Ok(Some(after)) => (
            StepStatus::Failed,
            format!("read back {after:?}, expected {minimum:?}"),
        ),
        Ok(None) => (StepStatus::Skipped, UNREPORTED.into()),
        Err(err) => unless_unsupported(err),
    }
}

const UNREPORTED: &str = "the endpoint accepted the timeouts but reports no connection tracking configuration, so they cannot be verified";

fn describe(timeouts: &ConnectionTrackingTimeouts) -> String {
    format!(
        "tcp-established={}s,udp-stream={}s,udp={}s",
        timeouts.tcp_established, timeouts.udp_stream, timeouts.udp
    )
}

fn unless_unsupported(err: PortError) -> (StepStatus, String) {
    let unsupported = err
        .code
        .as_deref()
        .is_some_and(|c| UNSUPPORTED_CODES.contains(&c));
    let status = if unsupported {
        StepStatus::Skipped
    } else {
        StepStatus::Failed
    };
    (status, err.to_string())
}

/// One status for many interfaces: any failure fails; otherwise a change counts as done.
fn combine(statuses: impl Iterator<Item = StepStatus>) -> StepStatus {
    statuses.fold(StepStatus::AlreadyDone, |acc, s| match (acc, s) {
        (StepStatus::Failed, _) | (_, StepStatus::Failed) => StepStatus::Failed,
        (StepStatus::Done, _) | (_, StepStatus::Done) => StepStatus::Done,
        (StepStatus::Skipped, _) | (_, StepStatus::Skipped) => StepStatus::Skipped,
        _ => acc,
    })
}
