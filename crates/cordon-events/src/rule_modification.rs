//! What an `ec2:ModifySecurityGroupRules` call asked for, read from the CloudTrail
//! record. Unlike the older EC2 calls, CloudTrail logs this one's request under the
//! API's own names: `requestParameters.ModifySecurityGroupRulesRequest` with `GroupId`
//! and `SecurityGroupRule`, an object for one rule (numbered by a `tag`) and, as the
//! query protocol goes, a list of such objects for several.

use crate::{ParseError, SecurityGroupId, SecurityGroupRuleId};
use serde::{Deserialize, Serialize};
use serde_json::Value;

const REQUEST: &str = "detail.requestParameters.ModifySecurityGroupRulesRequest";

/// The group and each rule the call rewrote, as the request states them. What the rule
/// became is read back from EC2 before anything is done: the request only says which
/// rules to look at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleModification {
    pub group_id: SecurityGroupId,
    pub rules: Vec<ModifiedRule>,
}

/// One rule's new definition; ingress or egress, the record does not say.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ModifiedRule {
    pub rule_id: SecurityGroupRuleId,
    /// `None` when the request left it out.
    pub protocol: Option<String>,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    pub source: RuleSource,
}

/// Where the modified rule lets traffic in from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "cidr")]
pub enum RuleSource {
    /// `CidrIpv4` or `CidrIpv6`.
    Cidr(String),
    /// Another security group or a prefix list: no range of the internet by itself.
    Reference,
    /// The request named no source.
    Unstated,
}

#[derive(Deserialize)]
struct Wrapper {
    #[serde(rename = "ModifySecurityGroupRulesRequest")]
    request: Request,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Request {
    group_id: SecurityGroupId,
    security_group_rule: Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawUpdate {
    security_group_rule_id: SecurityGroupRuleId,
    #[serde(default)]
    security_group_rule: Option<RawRule>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct RawRule {
    #[serde(default)]
    ip_protocol: Option<String>,
    #[serde(default, deserialize_with = "crate::ingress::lenient_port")]
    from_port: Option<i32>,
    #[serde(default, deserialize_with = "crate::ingress::lenient_port")]
    to_port: Option<i32>,
    #[serde(default)]
    cidr_ipv4: Option<String>,
    #[serde(default)]
    cidr_ipv6: Option<String>,
    #[serde(default)]
    referenced_group_id: Option<String>,
    #[serde(default)]
    prefix_list_id: Option<String>,
}

impl RuleModification {
    /// Reads the change from a successful `ModifySecurityGroupRules` record.
    pub(crate) fn parse(request: &Value) -> Result<Self, ParseError> {
        let Wrapper { request } =
            crate::parse::deserialize_at("detail.requestParameters", request.clone())?;
        let updates: Vec<RawUpdate> = match request.security_group_rule {
            Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| {
                    crate::parse::deserialize_at(&format!("{REQUEST}.SecurityGroupRule.{i}"), item)
                })
                .collect::<Result<_, _>>()?,
            item => vec![crate::parse::deserialize_at(
                &format!("{REQUEST}.SecurityGroupRule"),
                item,
            )?],
        };
        if updates.is_empty() {
            return Err(ParseError::field(
                format!("{REQUEST}.SecurityGroupRule"),
                "empty: the event names no rule",
            ));
        }
        let rules = updates
            .into_iter()
            .map(|update| {
                let rule = update.security_group_rule.unwrap_or_default();
                let cidr = rule.cidr_ipv4.or(rule.cidr_ipv6).filter(|c| !c.is_empty());
                let source = match (cidr, rule.referenced_group_id, rule.prefix_list_id) {
                    (Some(cidr), _, _) => RuleSource::Cidr(cidr),
                    (None, None, None) => RuleSource::Unstated,
                    (None, _, _) => RuleSource::Reference,
                };
                ModifiedRule {
                    rule_id: update.security_group_rule_id,
                    protocol: rule.ip_protocol.filter(|p| !p.is_empty()),
                    from_port: rule.from_port,
                    to_port: rule.to_port,
                    source,
                }
            })
            .collect();
        Ok(Self {
            group_id: request.group_id,
            rules,
        })
    }
}
