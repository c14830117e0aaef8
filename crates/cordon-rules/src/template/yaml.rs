//! YAML pattern values to JSON, evaluating the one intrinsic that has a meaning
//! offline: `!Ref` (or `{"Ref": ...}`) to a template parameter, which becomes that
//! parameter's `Default`. Anything else that needs a deployed stack is an error.

use serde_json::{Number, Value as Json};
use serde_norway::{Mapping, Value as Yaml};

use crate::error::RulesError;

/// Converts the value at template path `at`; `parameters` is the `Parameters` section.
pub(super) fn to_json(
    value: &Yaml,
    parameters: Option<&Mapping>,
    at: &str,
) -> Result<Json, RulesError> {
    Ok(match value {
        Yaml::Null => Json::Null,
        Yaml::Bool(b) => Json::Bool(*b),
        Yaml::String(s) => Json::String(s.clone()),
        // Integers stay integers so `numeric` and exact matches see what was written.
        Yaml::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Json::from(i),
            (_, Some(u), _) => Json::from(u),
            (_, _, f) => f
                .and_then(Number::from_f64)
                .map(Json::Number)
                .ok_or_else(|| RulesError::template(at, format!("`{n}` is not a finite number")))?,
        },
        Yaml::Sequence(items) => Json::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| to_json(item, parameters, &format!("{at}[{i}]")))
                .collect::<Result<_, _>>()?,
        ),
        Yaml::Mapping(mapping) => match long_form_intrinsic(mapping) {
            Some(("Ref", target)) => resolve_ref(target, parameters, at)?,
            Some((name, _)) => return Err(unsupported(at, name)),
            None => Json::Object(
                mapping
                    .iter()
                    .map(|(key, value)| {
                        let key = key.as_str().ok_or_else(|| {
                            RulesError::template(at, "pattern keys must be strings")
                        })?;
                        Ok((
                            key.to_owned(),
                            to_json(value, parameters, &format!("{at}.{key}"))?,
                        ))
                    })
                    .collect::<Result<_, RulesError>>()?,
            ),
        },
        Yaml::Tagged(tagged) if tagged.tag == "Ref" => resolve_ref(&tagged.value, parameters, at)?,
        Yaml::Tagged(tagged) => return Err(unsupported(at, &tagged.tag.to_string())),
    })
}

/// `{"Ref": x}` or `{"Fn::...": x}`: CloudFormation reads a one-key mapping with
/// such a key as a function call, never as data.
fn long_form_intrinsic(mapping: &Mapping) -> Option<(&str, &Yaml)> {
    let mut entries = mapping.iter();
    let ((key, value), None) = (entries.next()?, entries.next()) else {
        return None;
    };
    let key = key.as_str()?;
    (key == "Ref" || key.starts_with("Fn::")).then_some((key, value))
}

fn resolve_ref(target: &Yaml, parameters: Option<&Mapping>, at: &str) -> Result<Json, RulesError> {
    let Some(name) = target.as_str() else {
        return Err(RulesError::template(at, "`Ref` needs a parameter name"));
    };
    let unresolved = |reason| RulesError::UnresolvedRef {
        at: at.to_owned(),
        name: name.to_owned(),
        reason,
    };
    if name.starts_with("AWS::") {
        return Err(unresolved(
            "is a pseudo parameter, which only has a value in a deployed stack",
        ));
    }
    let parameter = parameters.and_then(|p| p.get(name)).ok_or_else(|| {
        unresolved("is not a template parameter (other references need a deployed stack)")
    })?;
    let default = parameter
        .get("Default")
        .ok_or_else(|| unresolved("names a parameter without a `Default`"))?;
    // A default is plain data; no parameters are passed so a `!Ref` in it cannot loop.
    to_json(default, None, &format!("Parameters.{name}.Default"))
}

fn unsupported(at: &str, intrinsic: &str) -> RulesError {
    RulesError::UnsupportedIntrinsic {
        at: at.to_owned(),
        intrinsic: intrinsic.to_owned(),
    }
}
