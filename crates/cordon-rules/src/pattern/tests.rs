//! Cases are the examples of the Amazon EventBridge User Guide; each test names the
//! page it comes from. Where the guide is silent, a comment says where the expected
//! result comes from instead.

use serde_json::{Value, json};

use super::Pattern;

/// Checks one pattern against rows of (case name, event, expected match).
fn check(pattern: Value, rows: &[(&str, Value, bool)]) {
    let compiled = Pattern::parse(&pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"));
    let failures: Vec<_> = rows
        .iter()
        .filter(|(_, event, expected)| compiled.matches(event) != *expected)
        .map(|(name, _, expected)| format!("{name}: expected matches == {expected}"))
        .collect();
    assert!(failures.is_empty(), "{pattern}\n{}", failures.join("\n"));
}

fn detail(fields: Value) -> Value {
    json!({ "source": "test", "detail-type": "test", "detail": fields })
}

fn ec2_state_change(state: &str) -> Value {
    json!({
        "version": "0",
        "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": "EC2 Instance State-change Notification",
        "source": "aws.ec2",
        "account": "111122223333",
        "time": "2017-12-22T18:43:48Z",
        "region": "us-west-1",
        "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
        "detail": { "instance-id": "i-1234567890abcdef0", "state": state }
    })
}

// "Amazon EventBridge event patterns" / "Event pattern syntax".
#[test]
fn field_matching_and_nesting() {
    let terminated = json!({
        "source": ["aws.ec2"],
        "detail-type": ["EC2 Instance State-change Notification"],
        "detail": { "state": ["terminated"] }
    });
    check(
        terminated,
        &[
            ("all fields match", ec2_state_change("terminated"), true),
            ("one field differs", ec2_state_change("running"), false),
            ("field missing", json!({ "source": "aws.ec2" }), false),
        ],
    );
    check(
        json!({ "source": ["aws.ec2", "aws.fargate"] }),
        &[
            ("any listed value", ec2_state_change("x"), true),
            ("case sensitive", json!({ "source": "AWS.EC2" }), false),
        ],
    );

    let macie = |risk: Value| {
        json!({
            "source": "aws.macie", "detail-type": "Macie Alert",
            "detail": { "risk-score": 80, "trigger": { "alert-type": "basic", "risk": risk } }
        })
    };
    check(
        json!({
            "source": ["aws.macie"],
            "detail-type": ["Macie Alert"],
            "detail": { "risk-score": [80], "trigger": { "risk": [8] } }
        }),
        &[
            ("nested object", macie(json!(8)), true),
            ("nested value differs", macie(json!(9)), false),
            (
                "object where a leaf is expected",
                macie(json!({ "risk": 8 })),
                false,
            ),
        ],
    );

    check(
        json!({ "detail": { "n": [8], "b": [true] } }),
        &[
            (
                "number and boolean",
                detail(json!({ "n": 8, "b": true })),
                true,
            ),
            (
                "string never equals number",
                detail(json!({ "n": "8", "b": true })),
                false,
            ),
            // The guide says 300 and 300.0 differ, but EventBridge matches them
            // (recorded against the service: LocalStack's `number_comparison_float`).
            (
                "integer pattern, float event",
                detail(json!({ "n": 8.0, "b": true })),
                true,
            ),
        ],
    );
}

// "Matching null values and empty strings in Amazon EventBridge event patterns".
#[test]
fn null_and_empty_string() {
    let event = detail(json!({ "eventVersion": "", "responseElements": null }));
    let other = detail(json!({ "eventVersion": null, "responseElements": "" }));
    check(
        json!({ "detail": { "eventVersion": [""] } }),
        &[
            ("empty string", event.clone(), true),
            ("null is not empty", other.clone(), false),
        ],
    );
    check(
        json!({ "detail": { "responseElements": [null] } }),
        &[("null", event, true), ("empty is not null", other, false)],
    );
}

// "Arrays in Amazon EventBridge event patterns".
#[test]
fn arrays_in_events() {
    let resources = |second: &str| {
        json!({ "resources": [
            "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b",
            second,
        ]})
    };
    check(
        json!({ "resources": [
            "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
            "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f",
        ]}),
        &[
            (
                "intersection",
                resources("arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f"),
                true,
            ),
            (
                "no intersection",
                resources("arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f"),
                false,
            ),
            ("empty event array", json!({ "resources": [] }), false),
        ],
    );
    check(
        json!({ "tags": [{ "prefix": "Ins" }] }),
        &[(
            "operator over an array",
            json!({ "tags": ["Custom", "Insider"] }),
            true,
        )],
    );

    // Objects inside arrays: the Event Ruler README ("JSON Array Matching"), the open
    // engine behind EventBridge. Fields of one pattern object must match one element.
    let employees = json!({ "employees": [
        { "firstName": "John", "lastName": "Doe" },
        { "firstName": "Anna", "lastName": "Smith" },
    ]});
    check(
        json!({ "employees": { "firstName": ["Anna"] } }),
        &[("object in an array", employees.clone(), true)],
    );
    check(
        json!({ "employees": { "firstName": ["Anna"], "lastName": ["Doe"] } }),
        &[("fields from different elements", employees, false)],
    );
}

// "Content filtering in Amazon EventBridge event patterns" and "Comparison operators
// for use in event patterns in Amazon EventBridge": prefix, suffix, equals-ignore-case.
#[test]
fn string_operators() {
    let time = |t: &str| json!({ "time": t });
    check(
        json!({ "time": [{ "prefix": "2017-10-02" }] }),
        &[
            ("prefix", time("2017-10-02T18:43:48Z"), true),
            ("other prefix", time("2017-10-03T00:00:00Z"), false),
            ("not a string", json!({ "time": 20171002 }), false),
        ],
    );
    let service = |s: &str| json!({ "service": s });
    check(
        json!({ "service": [{ "prefix": { "equals-ignore-case": "eventb" } }] }),
        &[("prefix ignoring case", service("EventBridge"), true)],
    );
    check(
        json!({ "service": [{ "suffix": { "equals-ignore-case": "tbridge" } }] }),
        &[
            ("suffix ignoring case", service("EVENTBRIDGE"), true),
            ("other suffix", service("EventBus"), false),
        ],
    );
    let file = |f: &str| json!({ "FileName": f });
    check(
        json!({ "FileName": [{ "suffix": ".png" }] }),
        &[
            ("suffix", file("image.png"), true),
            ("suffix is case sensitive", file("image.PNG"), false),
        ],
    );
    let name = |n: &str| json!({ "Name": n });
    check(
        json!({ "Name": [{ "equals-ignore-case": "alice" }] }),
        &[
            ("equals ignoring case", name("ALICE"), true),
            ("not equal", name("alicia"), false),
        ],
    );
}

// Same pages, "Wildcard matching" / "Matching using wildcards".
#[test]
fn wildcard() {
    let arn = |a: &str| json!({ "EventBusArn": a });
    check(
        json!({ "EventBusArn": [{ "wildcard": "arn:aws:events:us-east-1:*:event-bus/*" }] }),
        &[
            (
                "wildcards",
                arn("arn:aws:events:us-east-1:123456789012:event-bus/default"),
                true,
            ),
            (
                "other region",
                arn("arn:aws:events:eu-west-1:123456789012:event-bus/default"),
                false,
            ),
        ],
    );
    let s = |s: &str| json!({ "s": s });
    check(
        json!({ "s": [{ "wildcard": "Simple*Service" }] }),
        &[
            ("star matches nothing", s("SimpleService"), true),
            ("case", s("simpleService"), false),
        ],
    );
    check(
        json!({ "s": [{ "wildcard": "a\\*b" }] }),
        &[
            ("escaped star is literal", s("a*b"), true),
            ("not a wildcard", s("axb"), false),
        ],
    );
    check(
        json!({ "s": [{ "wildcard": "a*a" }] }),
        &[("runs cannot overlap", s("a"), false)],
    );
}

// Same pages, "Anything-but matching". The guide is silent on absent fields, null and
// arrays: the first two follow behaviour recorded against EventBridge (LocalStack's
// `content_anything_but_string_missing_NEG`, localstack/localstack#9711), arrays the
// any-element rule of "Arrays in Amazon EventBridge event patterns".
#[test]
fn anything_but() {
    let state = |s: Value| detail(json!({ "state": s }));
    check(
        json!({ "detail": { "state": [{ "anything-but": "initializing" }] } }),
        &[
            ("other string", state(json!("running")), true),
            ("excluded string", state(json!("initializing")), false),
            ("absent field does not match", detail(json!({})), false),
            ("null is not excluded", state(Value::Null), true),
            (
                "one array element passes",
                state(json!(["initializing", "running"])),
                true,
            ),
        ],
    );
    check(
        json!({ "detail": { "state": [{ "anything-but": ["stopped", "overloaded"] }] } }),
        &[
            ("listed", state(json!("overloaded")), false),
            ("not listed", state(json!("running")), true),
        ],
    );
    let x_limit = |x: Value| detail(json!({ "x-limit": x }));
    check(
        json!({ "detail": { "x-limit": [{ "anything-but": [100, 200, 300] }] } }),
        &[
            ("listed number", x_limit(json!(200)), false),
            ("listed number as float", x_limit(json!(200.0)), false),
            ("other number", x_limit(json!(301)), true),
        ],
    );
    check(
        json!({ "detail": { "state": [{ "anything-but": { "prefix": "init" } }] } }),
        &[
            ("excluded prefix", state(json!("initializing")), false),
            ("other prefix", state(json!("running")), true),
            // LocalStack's `content_anything_prefix_int_value`, recorded against AWS.
            (
                "numbers are never excluded by prefix",
                state(json!(12)),
                true,
            ),
        ],
    );
    check(
        json!({ "FileName": [{ "anything-but": { "suffix": ".png" } }] }),
        &[("excluded suffix", json!({ "FileName": "a.png" }), false)],
    );
    check(
        json!({ "state": [{ "anything-but": { "equals-ignore-case": "initializing" } }] }),
        &[(
            "excluded in any case",
            json!({ "state": "INITIALIZING" }),
            false,
        )],
    );
    let path = |p: &str| json!({ "FilePath": p });
    check(
        json!({ "FilePath": [{ "anything-but": { "wildcard": "*/lib/*" } }] }),
        &[
            ("excluded", path("/usr/lib/libc.so"), false),
            ("other", path("/usr/bin/sh"), true),
        ],
    );
}

// Same pages, "Numeric matching": the guide's example pattern.
#[test]
fn numeric() {
    let event = |c: Value, x: Value| detail(json!({ "c-count": c, "d-count": 3, "x-limit": x }));
    check(
        json!({ "detail": {
            "c-count": [{ "numeric": [">", 0, "<=", 5] }],
            "d-count": [{ "numeric": ["<", 10] }],
            "x-limit": [{ "numeric": ["=", 3.018e2] }],
        }}),
        &[
            ("all in range", event(json!(5), json!(301.8)), true),
            (
                "inclusive upper bound, float",
                event(json!(5.0), json!(301.8)),
                true,
            ),
            (
                "exclusive lower bound",
                event(json!(0), json!(301.8)),
                false,
            ),
            ("above upper bound", event(json!(5.5), json!(301.8)), false),
            (
                "equals, other spelling",
                event(json!(1), json!(301.80)),
                true,
            ),
            ("not equal", event(json!(1), json!(301.9)), false),
            (
                "numeric string is not a number",
                event(json!("5"), json!(301.8)),
                false,
            ),
        ],
    );
    let n = |v: Value| json!({ "n": v });
    check(
        json!({ "n": [{ "numeric": ["=", 8] }] }),
        &[("integer = float", n(json!(8.0)), true)],
    );
    check(
        json!({ "n": [{ "numeric": [">=", 7.0] }] }),
        &[("float bound, int", n(json!(7)), true)],
    );
    check(
        json!({ "n": [{ "numeric": ["<", 10, ">=", 0] }] }),
        &[
            ("bounds in either order", n(json!(0)), true),
            ("upper", n(json!(10)), false),
        ],
    );
    check(
        json!({ "n": [{ "numeric": [">", 100] }] }),
        &[
            ("any array element", n(json!([1, 200])), true),
            ("none", n(json!([1, 2])), false),
        ],
    );
}

// Same pages, "IP address matching".
#[test]
fn cidr() {
    let ip = |a: Value| detail(json!({ "sourceIPAddress": a }));
    check(
        json!({ "detail": { "sourceIPAddress": [{ "cidr": "10.0.0.0/24" }] } }),
        &[
            ("inside", ip(json!("10.0.0.255")), true),
            ("outside", ip(json!("10.0.1.1")), false),
            ("not an address", ip(json!("example.com")), false),
            ("not a string", ip(json!(123)), false),
            ("other family", ip(json!("::ffff:10.0.0.1")), false),
        ],
    );
    let ip = |a: &str| json!({ "ip": a });
    check(
        json!({ "ip": [{ "cidr": "2001:db8::/32" }] }),
        &[
            ("ipv6 inside", ip("2001:db8:1::1"), true),
            ("ipv6 outside", ip("2001:db9::1"), false),
        ],
    );
    check(
        json!({ "ip": [{ "cidr": "0.0.0.0/0" }] }),
        &[("/0 is everything", ip("192.0.2.1"), true)],
    );
}

// Same pages, "Exists matching": only leaves exist, so an object-valued field does not.
#[test]
fn exists() {
    check(
        json!({ "detail": { "state": [{ "exists": true }] } }),
        &[
            ("present", ec2_state_change("pending"), true),
            ("absent", detail(json!({ "c-count": { "c1": 100 } })), false),
            (
                "object is not a leaf",
                detail(json!({ "state": { "code": 16 } })),
                false,
            ),
        ],
    );
    check(
        json!({ "detail": { "c-count": [{ "exists": false }] } }),
        &[
            ("absent", ec2_state_change("running"), true),
            ("present", detail(json!({ "c-count": 1 })), false),
            (
                "object is not a leaf",
                detail(json!({ "c-count": { "c1": 100 } })),
                true,
            ),
        ],
    );
    check(
        json!({ "detail": { "level1": { "level2": { "level3": [{ "exists": false }] } } } }),
        &[
            ("missing parent", detail(json!({})), true),
            ("leaf parent", detail(json!({ "level1": "x" })), true),
            (
                "present",
                detail(json!({ "level1": { "level2": { "level3": 1 } } })),
                false,
            ),
        ],
    );
    check(
        json!({ "counts": { "HIGH": [{ "exists": false }, { "numeric": [">", 0] }] } }),
        &[
            ("absent or positive: absent", json!({ "counts": {} }), true),
            (
                "absent or positive: zero",
                json!({ "counts": { "HIGH": 0 } }),
                false,
            ),
        ],
    );
}

// Same pages, "Complex example with multiple matching" and "Complex example with $or
// matching".
#[test]
fn complex_and_or() {
    let event = |state: &str| {
        json!({
            "time": "2017-10-02T16:24:49Z",
            "detail": { "state": state, "c-count": 5, "d-count": 3, "x-limit": 301.8 }
        })
    };
    check(
        json!({
            "time": [{ "prefix": "2017-10-02" }],
            "detail": {
                "state": [{ "anything-but": "initializing" }],
                "c-count": [{ "numeric": [">", 0, "<=", 5] }],
                "d-count": [{ "numeric": ["<", 10] }],
                "x-limit": [{ "anything-but": [100, 200, 300] }],
            }
        }),
        &[
            ("all match", event("running"), true),
            ("one fails", event("initializing"), false),
        ],
    );

    let metric = |source: &str, name: &str, namespace: &str| json!({ "source": source, "metricName": name, "namespace": namespace });
    check(
        json!({
            "source": ["aws.cloudwatch"],
            "$or": [
                { "metricName": ["CPUUtilization", "ReadLatency"] },
                { "namespace": ["AWS/EC2", "AWS/ES"] },
            ]
        }),
        &[
            (
                "first branch",
                metric("aws.cloudwatch", "CPUUtilization", "Other"),
                true,
            ),
            (
                "second branch",
                metric("aws.cloudwatch", "Other", "AWS/ES"),
                true,
            ),
            (
                "no branch",
                metric("aws.cloudwatch", "Other", "Other"),
                false,
            ),
            (
                "branch but not the AND",
                metric("aws.ec2", "ReadLatency", "AWS/ES"),
                false,
            ),
        ],
    );
    check(
        json!({ "detail": { "$or": [
            { "c-count": [{ "numeric": [">", 0, "<=", 5] }] },
            { "d-count": [{ "numeric": ["<", 10] }] },
        ]}}),
        &[
            ("nested $or", detail(json!({ "d-count": 3 })), true),
            ("none", detail(json!({})), false),
        ],
    );
}

/// Malformed patterns are rejected at parse time, naming the field.
#[test]
fn rejects_malformed_patterns() {
    let cases = [
        (json!(["aws.ec2"]), "<root>", "must be a JSON object"),
        (json!({}), "<root>", "empty objects"),
        (
            json!({ "source": "aws.ec2" }),
            "source",
            "must be an object or an array",
        ),
        (json!({ "resources": [] }), "resources", "empty arrays"),
        (json!({ "a": [["x"]] }), "a", "nested"),
        (
            json!({ "d": { "n": [{ "NUMERIC": ["=", 5] }] } }),
            "d.n",
            "unrecognized match type",
        ),
        (
            json!({ "n": [{ "prefix": "a", "suffix": "b" }] }),
            "n",
            "exactly one key",
        ),
        (
            json!({ "n": [{ "numeric": [">", 0, ">", 1] }] }),
            "n",
            "bound given twice",
        ),
        (
            json!({ "n": [{ "numeric": [">", 0, "<"] }] }),
            "n",
            "value of `<` must be numeric",
        ),
        (
            json!({ "n": [{ "numeric": [">", "5"] }] }),
            "n",
            "value of `>` must be numeric",
        ),
        (
            json!({ "n": [{ "numeric": ["=", 5, "<", 9] }] }),
            "n",
            "`=` cannot be combined",
        ),
        (
            json!({ "n": [{ "numeric": [">", 5, "<", 5] }] }),
            "n",
            "range is empty",
        ),
        (
            json!({ "n": [{ "numeric": ["!=", 5] }] }),
            "n",
            "bad numeric range operator",
        ),
        (
            json!({ "n": [{ "exists": "true" }] }),
            "n",
            "either true or false",
        ),
        (
            json!({ "n": [{ "equals-ignore-case": ["a"] }] }),
            "n",
            "must be a string",
        ),
        (
            json!({ "n": [{ "prefix": 5 }] }),
            "n",
            "prefix match pattern must be a string",
        ),
        (
            json!({ "n": [{ "wildcard": "a**b" }] }),
            "n",
            "consecutive wildcard",
        ),
        (
            json!({ "n": [{ "wildcard": "a\\b" }] }),
            "n",
            "invalid escape",
        ),
        (json!({ "n": [{ "cidr": "10.0.0.0" }] }), "n", "one `/`"),
        (
            json!({ "n": [{ "cidr": "10.0.0.0/33" }] }),
            "n",
            "prefix length",
        ),
        (
            json!({ "n": [{ "cidr": "10.0.0/8" }] }),
            "n",
            "not an IP address",
        ),
        (
            json!({ "n": [{ "anything-but": [1, "a"] }] }),
            "n",
            "only strings or only numbers",
        ),
        (
            json!({ "n": [{ "anything-but": null }] }),
            "n",
            "anything-but must be",
        ),
        (
            json!({ "n": [{ "anything-but": { "prefix": "" } }] }),
            "n",
            "cannot be empty",
        ),
        (
            json!({ "n": [{ "anything-but": { "numeric": [">", 1] } }] }),
            "n",
            "unsupported",
        ),
        (
            json!({ "n": [{ "anything-but": { "prefix": [1] } }] }),
            "n",
            "only hold strings",
        ),
        (
            json!({ "$or": [{ "a": ["x"] }] }),
            "$or",
            "at least two objects",
        ),
        (
            json!({ "d": { "$or": [{ "a": ["x"] }, ["b"]] } }),
            "d.$or[1]",
            "must be an object",
        ),
        (
            json!({ "d": { "$or": [{ "a": ["x"] }, { "b": "y" }] } }),
            "d.$or[1].b",
            "or an array",
        ),
    ];
    for (pattern, path, reason) in cases {
        let err = Pattern::parse(&pattern).expect_err(&pattern.to_string());
        assert_eq!(err.path(), path, "{pattern}: {err}");
        assert!(
            err.reason().contains(reason),
            "{pattern}: `{err}` lacks `{reason}`"
        );
    }
}

#[test]
fn keeps_the_pattern_as_written() {
    let source = json!({ "source": ["aws.guardduty"] });
    assert_eq!(Pattern::parse(&source).unwrap().as_json(), &source);
}
