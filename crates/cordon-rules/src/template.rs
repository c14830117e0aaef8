//! Routes from the SAM template: which function each EventBridge rule invokes. The
//! template is the single source of truth, so replay routes exactly as a deploy would.

#[cfg(test)]
mod tests;
mod yaml;

use serde_json::Value as Json;
use serde_norway::{Mapping, Value as Yaml};

use crate::error::RulesError;
use crate::pattern::Pattern;

const FUNCTION_TYPE: &str = "AWS::Serverless::Function";
/// SAM event source types that create an EventBridge rule (the second is the legacy name).
const RULE_EVENT_TYPES: [&str; 2] = ["EventBridgeRule", "CloudWatchEvent"];

/// One EventBridge rule that invokes a function.
#[derive(Debug, Clone)]
pub struct Route {
    function: String,
    event: String,
    binary: Option<String>,
    pattern: Pattern,
}

impl Route {
    /// Logical id of the function resource.
    pub fn function(&self) -> &str {
        &self.function
    }

    /// Name of the entry under the function's `Properties.Events`.
    pub fn event_name(&self) -> &str {
        &self.event
    }

    /// `Metadata.BuildProperties.Binary`: the cargo-lambda binary built for the function.
    pub fn binary(&self) -> Option<&str> {
        self.binary.as_deref()
    }

    pub fn pattern(&self) -> &Pattern {
        &self.pattern
    }

    /// The pattern after parameter resolution, as EventBridge would receive it.
    pub fn pattern_json(&self) -> &Json {
        self.pattern.as_json()
    }
}

/// Every EventBridge route in a template, in template order.
#[derive(Debug, Clone, Default)]
pub struct Routes {
    routes: Vec<Route>,
}

impl Routes {
    /// Reads the routes of every `AWS::Serverless::Function` in `yaml`. Intrinsics
    /// outside patterns are ignored; inside a pattern only `!Ref` to a parameter with
    /// a `Default` is allowed, since nothing else has a value before deploy.
    pub fn from_template(yaml: &str) -> Result<Self, RulesError> {
        let template: Yaml = serde_norway::from_str(yaml).map_err(RulesError::Yaml)?;
        let root = template
            .as_mapping()
            .ok_or_else(|| RulesError::template("<root>", "a template must be a mapping"))?;
        let parameters = optional_mapping(root.get("Parameters"), "Parameters")?;
        let resources = optional_mapping(root.get("Resources"), "Resources")?
            .ok_or_else(|| RulesError::template("Resources", "the template has no resources"))?;

        let mut routes = Vec::new();
        for (id, resource) in resources {
            let id = key(id, "Resources")?;
            if resource.get("Type").and_then(Yaml::as_str) != Some(FUNCTION_TYPE) {
                continue;
            }
            let at = format!("Resources.{id}");
            let binary = binary(resource, &at)?;
            let events = resource.get("Properties").and_then(|p| p.get("Events"));
            let Some(events) = optional_mapping(events, &format!("{at}.Properties.Events"))? else {
                continue;
            };
            for (name, event) in events {
                let name = key(name, &format!("{at}.Properties.Events"))?;
                let event_type = event.get("Type").and_then(Yaml::as_str);
                if !event_type.is_some_and(|t| RULE_EVENT_TYPES.contains(&t)) {
                    continue;
                }
                let at = format!("{at}.Properties.Events.{name}.Properties.Pattern");
                let pattern = pattern(event, parameters, &at).and_then(|json| {
                    Pattern::parse(&json).map_err(|error| RulesError::Pattern {
                        function: id.to_owned(),
                        event: name.to_owned(),
                        error,
                    })
                })?;
                routes.push(Route {
                    function: id.to_owned(),
                    event: name.to_owned(),
                    binary: binary.clone(),
                    pattern,
                });
            }
        }
        Ok(Self { routes })
    }

    /// All routes, in template order.
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// The routes whose pattern matches `event`, in template order.
    pub fn routes_for(&self, event: &Json) -> Vec<&Route> {
        self.routes
            .iter()
            .filter(|r| r.pattern.matches(event))
            .collect()
    }

    /// Logical ids of the functions `event` would invoke: template order, each once
    /// even if several of its rules match.
    pub fn functions_for(&self, event: &Json) -> Vec<&str> {
        let mut functions: Vec<&str> = Vec::new();
        for route in self.routes_for(event) {
            if !functions.contains(&route.function()) {
                functions.push(route.function());
            }
        }
        functions
    }
}

/// The event's `Properties.Pattern`: a mapping, or (as CloudFormation also accepts)
/// a string holding JSON.
fn pattern(event: &Yaml, parameters: Option<&Mapping>, at: &str) -> Result<Json, RulesError> {
    let value = event
        .get("Properties")
        .and_then(|p| p.get("Pattern"))
        .ok_or_else(|| RulesError::template(at, "an EventBridge rule event needs a `Pattern`"))?;
    match value {
        Yaml::String(text) => serde_json::from_str(text)
            .map_err(|e| RulesError::template(at, format!("pattern string is not JSON: {e}"))),
        other => yaml::to_json(other, parameters, at),
    }
}

fn binary(resource: &Yaml, at: &str) -> Result<Option<String>, RulesError> {
    let value = resource
        .get("Metadata")
        .and_then(|m| m.get("BuildProperties"))
        .and_then(|b| b.get("Binary"));
    match value {
        None => Ok(None),
        Some(Yaml::String(name)) => Ok(Some(name.clone())),
        Some(_) => Err(RulesError::template(
            &format!("{at}.Metadata.BuildProperties.Binary"),
            "must be a string",
        )),
    }
}

fn optional_mapping<'a>(
    value: Option<&'a Yaml>,
    at: &str,
) -> Result<Option<&'a Mapping>, RulesError> {
    match value {
        None => Ok(None),
        Some(Yaml::Mapping(mapping)) => Ok(Some(mapping)),
        Some(_) => Err(RulesError::template(at, "must be a mapping")),
    }
}

fn key<'a>(key: &'a Yaml, at: &str) -> Result<&'a str, RulesError> {
    key.as_str()
        .ok_or_else(|| RulesError::template(at, "keys must be strings"))
}
