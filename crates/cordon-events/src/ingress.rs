//! What an `ec2:AuthorizeSecurityGroupIngress` call asked for and, in newer events,
//! the rules it created, read from the CloudTrail record. CloudTrail logs EC2's
//! query parameters in camelCase with lists as `{"items": [...]}`.

use crate::{ParseError, SecurityGroupId, SecurityGroupRuleId};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One permission of the request, with its source ranges.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IngressPermission {
    /// `tcp`, `udp`, `icmp`, a protocol number, or `-1` for all traffic.
    pub protocol: String,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    /// IPv4 and IPv6 source ranges.
    pub cidrs: Vec<String>,
}

/// A rule the call created, as `responseElements.securityGroupRuleSet` names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AddedRule {
    pub rule_id: SecurityGroupRuleId,
    pub protocol: String,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    /// `None` for rules whose source is a group or prefix list.
    pub cidr: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IngressChange {
    /// `None` when the request named the group only by name (default VPC).
    pub group_id: Option<SecurityGroupId>,
    pub group_name: Option<String>,
    pub permissions: Vec<IngressPermission>,
    /// Empty in older events, which carry no rule ids.
    pub added_rules: Vec<AddedRule>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Request {
    #[serde(default)]
    group_id: Option<SecurityGroupId>,
    #[serde(default)]
    group_name: Option<String>,
    #[serde(default)]
    ip_permissions: Option<Items<RawPermission>>,
    // The single-rule form of the API.
    #[serde(default)]
    ip_protocol: Option<String>,
    #[serde(default, deserialize_with = "lenient_port")]
    from_port: Option<i32>,
    #[serde(default, deserialize_with = "lenient_port")]
    to_port: Option<i32>,
    #[serde(default)]
    cidr_ip: Option<String>,
}

#[derive(Deserialize)]
struct Items<T> {
    #[serde(default = "Vec::new")]
    items: Vec<T>,
}

impl<T> Default for Items<T> {
    fn default() -> Self {
        Self { items: Vec::new() }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPermission {
    ip_protocol: String,
    #[serde(default, deserialize_with = "lenient_port")]
    from_port: Option<i32>,
    #[serde(default, deserialize_with = "lenient_port")]
    to_port: Option<i32>,
    #[serde(default)]
    ip_ranges: Option<Items<Ipv4Range>>,
    #[serde(default)]
    ipv6_ranges: Option<Items<Ipv6Range>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Ipv4Range {
    cidr_ip: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Ipv6Range {
    cidr_ipv6: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Response {
    #[serde(default)]
    security_group_rule_set: Option<Items<RawRule>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRule {
    security_group_rule_id: SecurityGroupRuleId,
    #[serde(default)]
    is_egress: bool,
    ip_protocol: String,
    #[serde(default, deserialize_with = "lenient_port")]
    from_port: Option<i32>,
    #[serde(default, deserialize_with = "lenient_port")]
    to_port: Option<i32>,
    #[serde(default)]
    cidr_ipv4: Option<String>,
    #[serde(default)]
    cidr_ipv6: Option<String>,
}

impl IngressChange {
    /// Reads the change from a successful `AuthorizeSecurityGroupIngress` record.
    pub(crate) fn parse(request: &Value, response: &Value) -> Result<Self, ParseError> {
        let request: Request =
            crate::parse::deserialize_at("detail.requestParameters", request.clone())?;
        let response: Response = match response {
            Value::Null => Response::default(),
            value => crate::parse::deserialize_at("detail.responseElements", value.clone())?,
        };
        let mut permissions: Vec<IngressPermission> = request
            .ip_permissions
            .unwrap_or_default()
            .items
            .into_iter()
            .map(|p| IngressPermission {
                protocol: p.ip_protocol,
                from_port: p.from_port,
                to_port: p.to_port,
                cidrs: p
                    .ip_ranges
                    .unwrap_or_default()
                    .items
                    .into_iter()
                    .map(|r| r.cidr_ip)
                    .chain(
                        p.ipv6_ranges
                            .unwrap_or_default()
                            .items
                            .into_iter()
                            .map(|r| r.cidr_ipv6),
                    )
                    .collect(),
            })
            .collect();
        if let (Some(protocol), Some(cidr)) = (request.ip_protocol, request.cidr_ip) {
            permissions.push(IngressPermission {
                protocol,
                from_port: request.from_port,
                to_port: request.to_port,
                cidrs: vec![cidr],
            });
        }
        let added_rules = response
            .security_group_rule_set
            .unwrap_or_default()
            .items
            .into_iter()
            .filter(|r| !r.is_egress)
            .map(|r| AddedRule {
                rule_id: r.security_group_rule_id,
                protocol: r.ip_protocol,
                from_port: r.from_port,
                to_port: r.to_port,
                cidr: r.cidr_ipv4.or(r.cidr_ipv6),
            })
            .collect();
        if request.group_id.is_none() && request.group_name.is_none() {
            return Err(ParseError::field(
                "detail.requestParameters.groupId",
                "missing: the event names no security group",
            ));
        }
        Ok(Self {
            group_id: request.group_id,
            group_name: request.group_name.filter(|n| !n.is_empty()),
            permissions,
            added_rules,
        })
    }
}

/// Ports are numbers in CloudTrail's records, but some producers write them as strings.
pub(crate) fn lenient_port<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<i32>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Port {
        Number(i32),
        Text(String),
    }
    match Option::<Port>::deserialize(d)? {
        None => Ok(None),
        Some(Port::Number(n)) => Ok(Some(n)),
        Some(Port::Text(t)) => t
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("`{t}` is not a port number"))),
    }
}
