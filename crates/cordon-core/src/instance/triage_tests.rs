//! Instance triage against every GuardDuty fixture: what the tests of each family share
//! (each family's table lives with its own tests: `network_triage_tests.rs`,
//! `host_triage_tests.rs`, `not_instance_triage_tests.rs`; the policy's gates are in
//! `policy_triage_tests.rs`), and the checks every fixture passes.

use super::*;
use crate::guardduty::TriagePolicy;
use crate::names::DEFAULT_EXEMPT_TAG;
use cordon_events::{Event, parse_event, parse_event_value};
use serde_json::Value;

pub(super) const ALLOWED_ACCOUNT: &str = "123456789012";
pub(super) const OTHER_ACCOUNT: &str = "210987654321";

/// `(name, raw)` of `events/guardduty/<name>.json`.
macro_rules! fixture {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!("../../../../events/guardduty/", $name, ".json")),
        )
    };
}
pub(super) use fixture;

/// A fixture, the decision triage must reach and a phrase its reason must contain.
pub(super) type Expectation = (&'static str, &'static str, Decision, &'static str);

pub(super) const fn expect(
    (name, raw): (&'static str, &'static str),
    decision: Decision,
    phrase: &'static str,
) -> Expectation {
    (name, raw, decision, phrase)
}

/// Every GuardDuty fixture, family by family.
pub(super) fn expected() -> impl Iterator<Item = &'static Expectation> {
    super::network_tests::NETWORK
        .iter()
        .chain(super::host_tests::HOST)
        .chain(super::not_instance_tests::NOT_AN_INSTANCE_FIXTURES)
}

fn raw(name: &str) -> &'static str {
    expected()
        .find(|(n, ..)| *n == name)
        .map(|(_, raw, ..)| *raw)
        .unwrap_or_else(|| panic!("no fixture {name}"))
}

pub(super) fn policy() -> TriagePolicy {
    TriagePolicy {
        severity_floor: 4.0,
        allowed_accounts: vec![ALLOWED_ACCOUNT.parse().unwrap()],
        exempt_tag: DEFAULT_EXEMPT_TAG.to_owned(),
    }
}

fn finding(event: Event) -> GuardDutyFinding {
    match event {
        Event::GuardDuty(_, finding) => *finding,
        other => panic!("expected a GuardDuty finding, got {other:?}"),
    }
}

pub(super) fn parsed(name: &str) -> GuardDutyFinding {
    finding(parse_event(raw(name).as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}")))
}

/// The fixture, edited as JSON before parsing, so the edit goes through the real parser.
pub(super) fn mutated(name: &str, edit: impl FnOnce(&mut Value)) -> GuardDutyFinding {
    let mut value: Value = serde_json::from_str(raw(name)).unwrap();
    edit(&mut value);
    finding(parse_event_value(value).unwrap_or_else(|e| panic!("{name}: {e}")))
}

pub(super) fn assert_verdict(verdict: &Verdict, decision: Decision, phrase: &str, context: &str) {
    assert_eq!(verdict.decision, decision, "{context}: {}", verdict.reason);
    assert!(
        verdict.reason.contains(phrase),
        "{context}: reason `{}` should contain `{phrase}`",
        verdict.reason
    );
}

#[test]
fn every_fixture_triages_as_expected() {
    for (name, _, decision, phrase) in expected() {
        let verdict = triage(&parsed(name), &policy());
        assert_verdict(&verdict, *decision, phrase, name);
    }
}

#[test]
fn the_table_covers_every_guardduty_fixture() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../events/guardduty");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .expect("events/guardduty")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut in_table: Vec<String> = expected()
        .map(|(name, ..)| format!("{name}.json"))
        .collect();
    in_table.sort();
    assert_eq!(
        on_disk, in_table,
        "add the new fixture to its family's table (NETWORK, HOST or NOT_AN_INSTANCE_FIXTURES)"
    );
}
