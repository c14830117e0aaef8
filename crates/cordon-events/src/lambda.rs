//! A Lambda finding's function, checked: its name by Lambda's own rule (letters,
//! digits, `-` and `_`, 1 to 64), so nothing else can reach an API path, and its ARN
//! naming that same function.

use serde::Serialize;
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct FunctionName(String);

impl FunctionName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for FunctionName {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, String> {
        let valid = (1..=64).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if valid {
            Ok(Self(name.to_owned()))
        } else {
            Err(format!("{name:?} is not a Lambda function name"))
        }
    }
}

impl fmt::Display for FunctionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a function ARN places its function:
/// `arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionHome<'a> {
    pub partition: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub name: &'a str,
}

impl<'a> FunctionHome<'a> {
    pub fn of(arn: &'a str) -> Result<Self, String> {
        let parts: Vec<&str> = arn.split(':').collect();
        match parts[..] {
            [
                "arn",
                partition,
                "lambda",
                region,
                account,
                "function",
                name,
            ]
            | [
                "arn",
                partition,
                "lambda",
                region,
                account,
                "function",
                name,
                _,
            ] => Ok(Self {
                partition,
                region,
                account,
                name,
            }),
            _ => Err(format!("{arn:?} is not a Lambda function ARN")),
        }
    }
}

/// The function a finding's `lambdaDetails` names, checked; `Ok(None)` when it names
/// none. Its name and its ARN's must be one valid function name.
pub(crate) fn validate(
    details: &crate::LambdaDetails,
) -> Result<Option<FunctionName>, crate::ParseError> {
    let field = |name: &str, why: String| {
        crate::ParseError::field(format!("detail.resource.lambdaDetails.{name}"), why)
    };
    let in_arn = match details.function_arn.as_deref() {
        Some(arn) => Some(
            FunctionHome::of(arn)
                .map_err(|why| field("functionArn", why))?
                .name,
        ),
        None => None,
    };
    let name = match (details.function_name.as_deref(), in_arn) {
        (Some(name), Some(in_arn)) if name != in_arn => {
            return Err(field(
                "functionName",
                format!("{name:?} is not the function its ARN names ({in_arn:?})"),
            ));
        }
        (Some(name), _) => name,
        (None, Some(in_arn)) => in_arn,
        (None, None) => return Ok(None),
    };
    name.parse()
        .map(Some)
        .map_err(|why| field("functionName", why))
}
