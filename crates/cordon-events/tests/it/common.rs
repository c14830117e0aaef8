//! What the fixture tests share: where the events are, how to walk and read them, the
//! finding every unit-level case edits, and the table-driven assertions the per-family
//! files use.

use cordon_events::{Envelope, Event, GuardDutyFinding, ParseError, parse_event_value};
use serde_json::Value;
use std::path::{Path, PathBuf};

pub const EVENTS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../events");

/// A valid finding to mutate for the unit-level cases.
pub const BACKDOOR: &str = include_str!("../../../../events/guardduty/backdoor-c2-actor.json");

pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
    {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// The fixture's directory relative to `events/`, e.g. `guardduty`.
pub fn category(file: &Path) -> String {
    let root = Path::new(EVENTS_DIR);
    let relative = file.strip_prefix(root).expect("file under events/");
    let parent = relative.parent().unwrap_or(Path::new(""));
    parent.to_string_lossy().replace('\\', "/")
}

pub fn file_name(file: &Path) -> &str {
    file.file_name()
        .and_then(|n| n.to_str())
        .expect("UTF-8 file name")
}

/// `events/<dir>/<name>`, read.
pub fn read(dir: &str, name: &str) -> Vec<u8> {
    std::fs::read(format!("{EVENTS_DIR}/{dir}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub fn guardduty(event: Event) -> (Envelope, GuardDutyFinding) {
    match event {
        Event::GuardDuty(envelope, finding) => (envelope, *finding),
        other => panic!("expected a GuardDuty event, got {other:?}"),
    }
}

pub fn field_error(result: Result<Event, ParseError>) -> (String, String) {
    match result {
        Err(ParseError::Field { path, message }) => (path, message),
        Err(other) => panic!("expected ParseError::Field, got {other:?}"),
        Ok(event) => panic!("expected a parse error, got {event:?}"),
    }
}

pub fn backdoor_with(edit: impl FnOnce(&mut Value)) -> Result<Event, ParseError> {
    let mut value: Value = serde_json::from_str(BACKDOOR).unwrap();
    edit(&mut value);
    parse_event_value(value)
}

pub fn finding_with(edit: impl FnOnce(&mut Value)) -> GuardDutyFinding {
    guardduty(backdoor_with(edit).expect("parses")).1
}

/// The expectation a family's table holds for `name`; a fixture without one fails the
/// walk, so no file in `events/<dir>/` goes untested.
pub fn expectation<'a, T>(table: &'a [T], file: fn(&T) -> &str, dir: &str, name: &str) -> &'a T {
    table
        .iter()
        .find(|row| file(row) == name)
        .unwrap_or_else(|| panic!("events/{dir}/{name} has no expectation: add one"))
}

/// Each `(field, parsed)` row: the parsed value is the string `raw[field]`, named by
/// fixture and field when it is not.
pub fn assert_fields(name: &str, raw: &Value, fields: &[(&str, Option<&str>)]) {
    for (field, parsed) in fields {
        assert_eq!(*parsed, raw[field].as_str(), "{name}: {field}");
    }
}
