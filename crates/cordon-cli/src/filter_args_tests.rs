use super::*;
use std::time::UNIX_EPOCH;

/// 2025-06-01T12:00:00Z
const NOON: u64 = 1_748_779_200;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

#[test]
fn spans_reach_back_from_now() {
    let now = at(NOON);
    let back = |value: &str| since(value).unwrap().resolve(now);
    assert_eq!(back("24h"), at(NOON - 24 * 3_600));
    assert_eq!(back("7d"), at(NOON - 7 * 86_400));
    assert_eq!(back("30m"), at(NOON - 30 * 60));
    assert_eq!(back("90s"), at(NOON - 90));
    assert_eq!(back("0h"), now);
}

#[test]
fn a_span_past_the_clocks_beginning_means_everything() {
    assert_eq!(since("100000d").unwrap().resolve(at(NOON)), UNIX_EPOCH);
}

#[test]
fn rfc_3339_times_are_taken_as_written() {
    assert_eq!(since("2025-06-01T12:00:00Z").unwrap(), Since::At(at(NOON)));
    assert_eq!(
        since("2025-06-01T14:00:00+02:00").unwrap(),
        Since::At(at(NOON))
    );
    assert_eq!(
        since("2025-06-01T12:00:00.5Z").unwrap(),
        Since::At(at(NOON) + Duration::from_millis(500))
    );
    // Relative or not, the time does not move with the clock.
    let fixed = since("2000-01-01T00:00:00Z").unwrap();
    assert_eq!(fixed.resolve(at(NOON)), fixed.resolve(at(2 * NOON)));
}

#[test]
fn garbage_is_refused_with_what_was_expected() {
    for garbage in [
        "",
        "yesterday",
        "24",
        "h",
        "-1h",
        "1.5h",
        "24 h",
        "7w",
        "1y",
        "now",
    ] {
        let err = since(garbage).unwrap_err();
        assert!(
            err.contains("RFC 3339") && err.contains("24h"),
            "{garbage}: {err}"
        );
    }
}

#[test]
fn a_malformed_time_says_what_is_wrong_with_it() {
    for bad in ["2025-13-01T00:00:00Z", "2025-06-01", "2025-06-01T12:00:00"] {
        let err = since(bad).unwrap_err();
        assert!(
            err.starts_with("not an RFC 3339 time (2025-06-01T00:00:00Z): "),
            "{bad}: {err}"
        );
        assert!(!err.contains('\n'), "{bad}: {err}");
    }
}

#[test]
fn a_span_too_long_to_count_is_refused() {
    for huge in ["99999999999999999999d", "18446744073709551615d"] {
        let err = since(huge).unwrap_err();
        assert!(err.contains("too far"), "{huge}: {err}");
    }
}

#[test]
fn decisions_are_cordons_four_in_any_case() {
    assert_eq!(decision("contained"), Ok(Decision::Contained));
    assert_eq!(decision("Observed"), Ok(Decision::Observed));
    assert_eq!(decision("FAILED"), Ok(Decision::Failed));
    assert_eq!(decision("ignored"), Ok(Decision::Ignored));
    for bad in ["", "isolated", "contain"] {
        assert!(
            decision(bad).unwrap_err().contains("contained, observed"),
            "{bad}"
        );
    }
}

#[test]
fn severities_are_security_hubs_labels_in_any_case() {
    assert_eq!(severity("critical"), Ok(MinSeverity::Critical));
    assert_eq!(severity("High"), Ok(MinSeverity::High));
    for bad in ["", "INFORMATIONAL", "urgent", "8"] {
        assert!(severity(bad).unwrap_err().contains("LOW, MEDIUM"), "{bad}");
    }
}

#[test]
fn the_flags_reach_the_findings_command() {
    use clap::Parser;
    let cli = crate::cli::Cli::try_parse_from([
        "cordon",
        "findings",
        "--decision",
        "contained",
        "--since",
        "7d",
        "--severity",
        "high",
    ])
    .unwrap();
    let crate::cli::Command::Findings(args) = cli.command else {
        panic!("{:?}", cli.command);
    };
    assert_eq!(args.decision, Some(Decision::Contained));
    assert_eq!(
        args.since,
        Some(Since::Ago(Duration::from_secs(7 * 86_400)))
    );
    assert_eq!(args.severity, Some(MinSeverity::High));
}

#[test]
fn a_bad_value_is_a_usage_error_naming_the_flag() {
    use clap::Parser;
    for (flag, value) in [
        ("--since", "yesterday"),
        ("--decision", "maybe"),
        ("--severity", "urgent"),
    ] {
        let err = crate::cli::Cli::try_parse_from(["cordon", "findings", flag, value]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
        let first = err.to_string().lines().next().unwrap().to_owned();
        assert!(first.contains(flag) && first.contains(value), "{first}");
    }
}
