//! `cordon findings` with its filters, against the emulator, which ignores
//! `GetFindings` filters: what is listed is what cordon itself let through.

use crate::recording::{cordon, estate_and_event, json_lines};
use cordon_emulators::shared_moto;
use serde_json::Value;
use std::time::{Duration, SystemTime};

/// Replays `fixture` and returns the id of the response finding it recorded.
async fn recorded(fixture: &str, decision: &str) -> String {
    let (_, _, event) = estate_and_event(fixture).await;
    let endpoint = shared_moto().endpoint();
    let replay = cordon(
        &[
            "replay",
            "--json",
            "--endpoint",
            &endpoint,
            event.to_str().unwrap(),
        ],
        &[],
    );
    assert!(
        replay.status.success(),
        "{}",
        String::from_utf8_lossy(&replay.stderr)
    );
    let _ = std::fs::remove_file(event);
    let record = &json_lines(&replay)[0];
    assert_eq!(record["decision"], decision, "{record}");
    record["record"]["response_finding_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Every finding `cordon findings --json <filters>` lists. Other tests share the
/// emulator, so it holds more than this test's findings.
fn listed(filters: &[&str]) -> Vec<Value> {
    let endpoint = shared_moto().endpoint();
    let mut args = vec!["findings", "--json", "--endpoint", &endpoint];
    args.extend(filters);
    let output = cordon(&args, &[]);
    assert!(
        output.status.success(),
        "{filters:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    json_lines(&output)
}

/// Which of `ids` are among `findings`, in the order of `ids`.
fn which<'a>(findings: &[Value], ids: &[&'a str]) -> Vec<&'a str> {
    ids.iter()
        .copied()
        .filter(|id| findings.iter().any(|f| f["id"] == *id))
        .collect()
}

/// RFC 3339, UTC, to the second.
fn rfc3339(at: SystemTime) -> String {
    use aws_sdk_securityhub::primitives::{DateTime, DateTimeFormat};
    let seconds = at.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
    DateTime::from_secs(seconds as i64)
        .fmt(DateTimeFormat::DateTime)
        .unwrap()
}

#[tokio::test]
async fn findings_lists_only_what_passes_every_filter() {
    let contained = recorded("dns-data-exfiltration.json", "contained").await;
    let observed = recorded("port-probe-target.json", "observed").await;
    let after_both = rfc3339(SystemTime::now() + Duration::from_secs(1));
    let mine = [contained.as_str(), observed.as_str()];

    assert_eq!(which(&listed(&[]), &mine), mine);

    let only_contained = listed(&["--decision", "contained"]);
    assert!(only_contained.iter().all(|f| f["decision"] == "contained"));
    assert_eq!(which(&only_contained, &mine), [contained.as_str()]);
    let only_observed = listed(&["--decision", "Observed"]);
    assert!(only_observed.iter().all(|f| f["decision"] == "observed"));
    assert_eq!(which(&only_observed, &mine), [observed.as_str()]);

    // Both are HIGH.
    let critical = listed(&["--severity", "CRITICAL"]);
    assert!(critical.iter().all(|f| f["severity"] == "CRITICAL"));
    assert!(which(&critical, &mine).is_empty());
    assert_eq!(which(&listed(&["--severity", "high"]), &mine), mine);
    assert_eq!(which(&listed(&["--severity", "low"]), &mine), mine);

    assert_eq!(which(&listed(&["--since", "1h"]), &mine), mine);
    assert_eq!(
        which(&listed(&["--since", "2000-01-01T00:00:00Z"]), &mine),
        mine
    );
    let later = listed(&["--since", &after_both]);
    assert!(which(&later, &mine).is_empty(), "{later:?}");

    let all_three = listed(&[
        "--decision",
        "contained",
        "--severity",
        "HIGH",
        "--since",
        "30m",
    ]);
    assert_eq!(which(&all_three, &mine), [contained.as_str()]);
}

#[test]
fn a_bad_filter_is_a_one_line_usage_error() {
    for (flag, value) in [
        ("--decision", "isolated"),
        ("--since", "last week"),
        ("--severity", "severe"),
    ] {
        // No endpoint can be reached: the value is refused before any call.
        let output = cordon(
            &["findings", "--endpoint", "http://127.0.0.1:9", flag, value],
            &[],
        );
        assert_eq!(output.status.code(), Some(2), "{flag} {value}");
        assert!(output.stdout.is_empty());
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("error: invalid value") && first.contains(flag),
            "{stderr}"
        );
    }
}
