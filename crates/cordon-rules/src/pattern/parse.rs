//! Pattern JSON to the typed tree, rejecting what EventBridge's `PutRule` rejects.

use serde_json::{Map, Value};

use super::cidr::Cidr;
use super::leaf::{Bound, Exclusion, Matcher, Range, Text};
use super::wildcard::Wildcard;
use super::{Fields, Node};
use crate::error::PatternError;

type Result<T> = std::result::Result<T, PatternError>;

pub(super) fn pattern(value: &Value) -> Result<Fields> {
    match value {
        Value::Object(object) => fields(object, ""),
        _ => Err(PatternError::new("", "a pattern must be a JSON object")),
    }
}

fn fields(object: &Map<String, Value>, path: &str) -> Result<Fields> {
    if object.is_empty() {
        return Err(PatternError::new(path, "empty objects are not allowed"));
    }
    let mut parsed = Fields {
        fields: Vec::new(),
        any_of: Vec::new(),
    };
    for (name, value) in object {
        let path = child(path, name);
        if name == "$or" {
            parsed.any_of.push(or_branches(value, &path)?);
            continue;
        }
        let node = match value {
            Value::Object(nested) => Node::Nested(fields(nested, &path)?),
            Value::Array(alternatives) => Node::Leaf(leaf_list(alternatives, &path)?),
            _ => return Err(PatternError::new(&path, "must be an object or an array")),
        };
        parsed.fields.push((name.clone(), node));
    }
    Ok(parsed)
}

fn or_branches(value: &Value, path: &str) -> Result<Vec<Fields>> {
    let branches = match value {
        Value::Array(items) if items.len() >= 2 => items,
        _ => {
            return Err(PatternError::new(
                path,
                "`$or` needs an array of at least two objects",
            ));
        }
    };
    let mut parsed = Vec::with_capacity(branches.len());
    for (i, branch) in branches.iter().enumerate() {
        let path = format!("{path}[{i}]");
        match branch {
            Value::Object(object) => parsed.push(fields(object, &path)?),
            _ => {
                return Err(PatternError::new(
                    &path,
                    "each `$or` branch must be an object",
                ));
            }
        }
    }
    Ok(parsed)
}

fn leaf_list(alternatives: &[Value], path: &str) -> Result<Vec<Matcher>> {
    if alternatives.is_empty() {
        return Err(PatternError::new(path, "empty arrays are not allowed"));
    }
    alternatives
        .iter()
        .map(|alternative| match alternative {
            Value::Object(operator) => operator_matcher(operator, path),
            Value::Array(_) => Err(PatternError::new(
                path,
                "arrays cannot be nested in a value list",
            )),
            literal => Ok(Matcher::Exact(literal.clone())),
        })
        .collect()
}

fn operator_matcher(operator: &Map<String, Value>, path: &str) -> Result<Matcher> {
    let mut entries = operator.iter();
    let (Some((name, operand)), None) = (entries.next(), entries.next()) else {
        return Err(PatternError::new(
            path,
            format!(
                "a match operator object needs exactly one key, found {}",
                operator.len()
            ),
        ));
    };
    let fail = |reason: String| PatternError::new(path, reason);
    match name.as_str() {
        "prefix" => Ok(Matcher::Prefix(affix(name, operand).map_err(fail)?)),
        "suffix" => Ok(Matcher::Suffix(affix(name, operand).map_err(fail)?)),
        "equals-ignore-case" => match operand {
            Value::String(s) => Ok(Matcher::EqualsIgnoreCase(s.to_lowercase())),
            _ => Err(fail(
                "equals-ignore-case match pattern must be a string".into(),
            )),
        },
        "wildcard" => match operand {
            Value::String(s) => Ok(Matcher::Wildcard(Wildcard::parse(s).map_err(fail)?)),
            _ => Err(fail("wildcard match pattern must be a string".into())),
        },
        "anything-but" => Ok(Matcher::AnythingBut(exclusion(operand).map_err(fail)?)),
        "numeric" => Ok(Matcher::Numeric(range(operand).map_err(fail)?)),
        "cidr" => match operand {
            Value::String(s) => Ok(Matcher::Cidr(Cidr::parse(s).map_err(fail)?)),
            _ => Err(fail("cidr match pattern must be a string".into())),
        },
        "exists" => match operand {
            Value::Bool(wanted) => Ok(Matcher::Exists(*wanted)),
            _ => Err(fail(
                "exists match pattern must be either true or false".into(),
            )),
        },
        other => Err(fail(format!("unrecognized match type `{other}`"))),
    }
}

/// `prefix` / `suffix` operand: a string, or `{"equals-ignore-case": string}`.
fn affix(operator: &str, operand: &Value) -> std::result::Result<Text, String> {
    match operand {
        Value::String(s) => Ok(Text {
            text: s.clone(),
            ignore_case: false,
        }),
        Value::Object(inner) => match inner.get("equals-ignore-case") {
            Some(Value::String(s)) if inner.len() == 1 => Ok(Text {
                text: s.to_lowercase(),
                ignore_case: true,
            }),
            _ => Err(format!(
                "{operator} match pattern must be a string or {{\"equals-ignore-case\": string}}"
            )),
        },
        _ => Err(format!("{operator} match pattern must be a string")),
    }
}

/// `anything-but` operand: a string or number, a non-empty list of only strings or
/// only numbers, or one of `prefix` / `suffix` / `equals-ignore-case` / `wildcard`
/// over a string or list of strings.
fn exclusion(operand: &Value) -> std::result::Result<Exclusion, String> {
    match operand {
        Value::String(_) | Value::Number(_) => Ok(Exclusion::Values(vec![operand.clone()])),
        Value::Array(items) => {
            let all_strings = items.iter().all(Value::is_string);
            let all_numbers = items.iter().all(Value::is_number);
            if items.is_empty() || !(all_strings || all_numbers) {
                return Err(
                    "anything-but list must be non-empty and hold only strings or only numbers"
                        .into(),
                );
            }
            Ok(Exclusion::Values(items.clone()))
        }
        Value::Object(inner) if inner.len() == 1 => {
            let (name, value) = inner.iter().next().expect("one entry");
            if !matches!(
                name.as_str(),
                "prefix" | "suffix" | "equals-ignore-case" | "wildcard"
            ) {
                return Err(format!("unsupported operator `{name}` inside anything-but"));
            }
            let strings = string_list(name, value)?;
            if matches!(name.as_str(), "prefix" | "suffix") && strings.iter().any(String::is_empty)
            {
                return Err(format!("anything-but {name} cannot be empty"));
            }
            Ok(match name.as_str() {
                "prefix" => Exclusion::Prefixes(strings),
                "suffix" => Exclusion::Suffixes(strings),
                "equals-ignore-case" => {
                    Exclusion::IgnoreCase(strings.iter().map(|s| s.to_lowercase()).collect())
                }
                _ => Exclusion::Wildcards(
                    strings
                        .iter()
                        .map(|s| Wildcard::parse(s))
                        .collect::<std::result::Result<_, _>>()?,
                ),
            })
        }
        _ => Err(
            "anything-but must be a string, a number, a list of either, or one of \
                  prefix/suffix/equals-ignore-case/wildcard"
                .into(),
        ),
    }
}

fn string_list(operator: &str, value: &Value) -> std::result::Result<Vec<String>, String> {
    let items = match value {
        Value::String(s) => return Ok(vec![s.clone()]),
        Value::Array(items) if !items.is_empty() => items,
        _ => {
            return Err(format!(
                "anything-but {operator} must be a string or a non-empty list of strings"
            ));
        }
    };
    items
        .iter()
        .map(|item| match item {
            Value::String(s) => Ok(s.clone()),
            _ => Err(format!(
                "anything-but {operator} list may only hold strings"
            )),
        })
        .collect()
}

/// `numeric` operand: `["=", n]`, or one or two comparisons with at most one lower
/// (`>`, `>=`) and one upper (`<`, `<=`) bound, e.g. `[">", 0, "<=", 5]`.
fn range(operand: &Value) -> std::result::Result<Range, String> {
    let Value::Array(items) = operand else {
        return Err("numeric match pattern must be an array".into());
    };
    if items.is_empty() || items.len() > 4 {
        return Err("numeric needs one or two comparisons, e.g. [\">\", 0, \"<=\", 5]".into());
    }
    let mut range = Range {
        lower: None,
        upper: None,
    };
    for pair in items.chunks(2) {
        let operator = pair[0]
            .as_str()
            .ok_or_else(|| format!("numeric operator must be a string, found {}", pair[0]))?;
        let value = pair
            .get(1)
            .and_then(Value::as_f64)
            .ok_or_else(|| format!("value of `{operator}` must be numeric"))?;
        let slot = match operator {
            "=" if items.len() == 2 => {
                let exact = Some(Bound {
                    value,
                    inclusive: true,
                });
                return Ok(Range {
                    lower: exact,
                    upper: exact,
                });
            }
            "=" => return Err("`=` cannot be combined with another comparison".into()),
            ">" | ">=" => &mut range.lower,
            "<" | "<=" => &mut range.upper,
            _ => return Err(format!("bad numeric range operator `{operator}`")),
        };
        if slot.is_some() {
            return Err(format!(
                "bad numeric range operator `{operator}`: bound given twice"
            ));
        }
        *slot = Some(Bound {
            value,
            inclusive: operator.ends_with('='),
        });
    }
    if let (Some(lo), Some(hi)) = (range.lower, range.upper) {
        let empty =
            lo.value > hi.value || (lo.value == hi.value && !(lo.inclusive && hi.inclusive));
        if empty {
            return Err("numeric range is empty: lower bound is not below upper bound".into());
        }
    }
    Ok(range)
}

fn child(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}
