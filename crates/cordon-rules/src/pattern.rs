//! EventBridge event patterns: parsed once into a typed tree, then matched against
//! events. Semantics follow the EventBridge user guide (pages cited in the tests).

mod cidr;
mod leaf;
mod parse;
#[cfg(test)]
mod tests;
mod wildcard;

use serde_json::{Map, Value};

use crate::error::PatternError;
use leaf::Matcher;

/// A validated EventBridge event pattern.
#[derive(Debug, Clone)]
pub struct Pattern {
    root: Fields,
    source: Value,
}

/// One JSON object level of a pattern: every field must match (AND), and every `$or`
/// group must have at least one matching branch.
#[derive(Debug, Clone)]
struct Fields {
    fields: Vec<(String, Node)>,
    any_of: Vec<Vec<Fields>>,
}

#[derive(Debug, Clone)]
enum Node {
    /// A list of alternatives; the field matches if any one does.
    Leaf(Vec<Matcher>),
    Nested(Fields),
}

impl Pattern {
    /// Validates `pattern` and compiles it; the error names the offending field.
    pub fn parse(pattern: &Value) -> Result<Self, PatternError> {
        Ok(Self {
            root: parse::pattern(pattern)?,
            source: pattern.clone(),
        })
    }

    /// Whether EventBridge would deliver `event` to a rule with this pattern.
    pub fn matches(&self, event: &Value) -> bool {
        self.root.matches(event.as_object())
    }

    /// The pattern as written, for listings.
    pub fn as_json(&self) -> &Value {
        &self.source
    }
}

impl Fields {
    /// `object` is `None` when the event has nothing at this level (absent, or a leaf
    /// where the pattern expects an object); only `exists: false` can match then.
    fn matches(&self, object: Option<&Map<String, Value>>) -> bool {
        self.fields
            .iter()
            .all(|(name, node)| node.matches(object.and_then(|o| o.get(name))))
            && self
                .any_of
                .iter()
                .all(|branches| branches.iter().any(|b| b.matches(object)))
    }
}

impl Node {
    fn matches(&self, value: Option<&Value>) -> bool {
        match self {
            Node::Leaf(alternatives) => {
                let mut leaves = Vec::new();
                if let Some(value) = value {
                    collect_leaves(value, &mut leaves);
                }
                alternatives.iter().any(|m| m.matches(&leaves))
            }
            Node::Nested(fields) => {
                let mut objects = Vec::new();
                if let Some(value) = value {
                    collect_objects(value, &mut objects);
                }
                // An array of objects matches if one element does; fields of a single
                // pattern object never combine across elements.
                if objects.is_empty() {
                    fields.matches(None)
                } else {
                    objects.into_iter().any(|o| fields.matches(Some(o)))
                }
            }
        }
    }
}

/// Scalar values at a field, with arrays flattened. Objects are not leaves, so a field
/// holding an object counts as absent for leaf matchers (docs: "Exists matching only
/// works on leaf nodes").
fn collect_leaves<'a>(value: &'a Value, out: &mut Vec<&'a Value>) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| collect_leaves(v, out)),
        Value::Object(_) => {}
        scalar => out.push(scalar),
    }
}

fn collect_objects<'a>(value: &'a Value, out: &mut Vec<&'a Map<String, Value>>) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| collect_objects(v, out)),
        Value::Object(object) => out.push(object),
        _ => {}
    }
}
