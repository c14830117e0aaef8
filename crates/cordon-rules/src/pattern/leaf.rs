//! Leaf matchers: one alternative in a pattern's value list, tested against the scalar
//! values found at that field of the event.

use serde_json::{Number, Value};

use super::cidr::Cidr;
use super::wildcard::Wildcard;

#[derive(Debug, Clone)]
pub(super) enum Matcher {
    Exact(Value),
    Prefix(Text),
    Suffix(Text),
    EqualsIgnoreCase(String),
    Wildcard(Wildcard),
    AnythingBut(Exclusion),
    Numeric(Range),
    Cidr(Cidr),
    Exists(bool),
}

/// A string operand; `ignore_case` operands are stored lowercased.
#[derive(Debug, Clone)]
pub(super) struct Text {
    pub(super) text: String,
    pub(super) ignore_case: bool,
}

/// What `anything-but` rules out. The string forms only exclude strings: a number
/// or `null` passes `{"anything-but": {"prefix": ...}}`.
#[derive(Debug, Clone)]
pub(super) enum Exclusion {
    Values(Vec<Value>),
    Prefixes(Vec<String>),
    Suffixes(Vec<String>),
    /// Stored lowercased.
    IgnoreCase(Vec<String>),
    Wildcards(Vec<Wildcard>),
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Range {
    pub(super) lower: Option<Bound>,
    pub(super) upper: Option<Bound>,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Bound {
    pub(super) value: f64,
    pub(super) inclusive: bool,
}

impl Matcher {
    /// `leaves` are the field's scalar values (empty when the field is absent). Every
    /// operator except `exists` needs a present value, so `anything-but` does not match
    /// a missing field.
    pub(super) fn matches(&self, leaves: &[&Value]) -> bool {
        match self {
            Matcher::Exists(wanted) => leaves.is_empty() != *wanted,
            _ => leaves.iter().any(|v| self.matches_value(v)),
        }
    }

    fn matches_value(&self, value: &Value) -> bool {
        match self {
            Matcher::Exact(expected) => values_equal(expected, value),
            Matcher::Prefix(t) => value
                .as_str()
                .is_some_and(|s| t.fold(s).starts_with(&t.text)),
            Matcher::Suffix(t) => value.as_str().is_some_and(|s| t.fold(s).ends_with(&t.text)),
            Matcher::EqualsIgnoreCase(t) => value.as_str().is_some_and(|s| s.to_lowercase() == *t),
            Matcher::Wildcard(w) => value.as_str().is_some_and(|s| w.matches(s)),
            Matcher::AnythingBut(excluded) => !excluded.excludes(value),
            Matcher::Numeric(range) => value.as_f64().is_some_and(|n| range.contains(n)),
            Matcher::Cidr(net) => value
                .as_str()
                .and_then(|s| s.parse().ok())
                .is_some_and(|ip| net.contains(ip)),
            Matcher::Exists(_) => unreachable!("exists is decided on presence, not on a value"),
        }
    }
}

impl Text {
    fn fold<'a>(&self, s: &'a str) -> std::borrow::Cow<'a, str> {
        if self.ignore_case {
            s.to_lowercase().into()
        } else {
            s.into()
        }
    }
}

impl Exclusion {
    fn excludes(&self, value: &Value) -> bool {
        match (self, value.as_str()) {
            (Exclusion::Values(vs), _) => vs.iter().any(|v| values_equal(v, value)),
            (_, None) => false,
            (Exclusion::Prefixes(ps), Some(s)) => ps.iter().any(|p| s.starts_with(p.as_str())),
            (Exclusion::Suffixes(ps), Some(s)) => ps.iter().any(|p| s.ends_with(p.as_str())),
            (Exclusion::IgnoreCase(vs), Some(s)) => vs.contains(&s.to_lowercase()),
            (Exclusion::Wildcards(ws), Some(s)) => ws.iter().any(|w| w.matches(s)),
        }
    }
}

impl Range {
    fn contains(&self, n: f64) -> bool {
        let above = self
            .lower
            .is_none_or(|b| n > b.value || (b.inclusive && n == b.value));
        let below = self
            .upper
            .is_none_or(|b| n < b.value || (b.inclusive && n == b.value));
        above && below
    }
}

/// JSON equality, except numbers compare by value (`8` equals `8.0`): EventBridge
/// behaves so in practice, although "Event pattern syntax" says 300 and 300.0 differ.
fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => numbers_equal(x, y),
        _ => a == b,
    }
}

fn numbers_equal(x: &Number, y: &Number) -> bool {
    if let (Some(a), Some(b)) = (x.as_i64(), y.as_i64()) {
        return a == b;
    }
    if let (Some(a), Some(b)) = (x.as_u64(), y.as_u64()) {
        return a == b;
    }
    x.as_f64() == y.as_f64()
}
