# Starts moto's server for cordon's tests and demo.
#
# - It exits when stdin closes, so a server held for a whole test binary stops with
#   the process that started it, and removes its request recording.
# - moto's DynamoDB item calls are made atomic, as DynamoDB's are (see below).
# - moto 5.2.5 does not implement Security Hub's BatchUpdateFindings (it answers 404).
#   The handler below adds it, with AWS's documented semantics for the fields cordon
#   sends (Note, Workflow.Status, UserDefinedFields; FindingNotFound for unknown
#   findings), so replay against the emulator exercises the real call. Its exact
#   request is also checked against a mocked client in cordon-aws's unit tests.
# - moto 5.2.5 keeps no GuardDuty findings and does not implement GetFindings. Tests
#   and the demo publish each finding first, as GuardDuty would have reported it
#   (POST .../detector/<id>/cordon-published-findings with the event's `detail`, a
#   route of this launcher only), and GetFindings answers from what was published,
#   in GuardDuty's REST-JSON shape: the finding as the event carries it, except that
#   the fields the API types as timestamps (lambdaDetails.lastModifiedAt, a process's
#   startTime, ...) go back from EventBridge's ISO strings to epoch seconds, as the
#   API sends them (the finding's own createdAt and updatedAt are strings there too).
# - moto 5.2.5's ModifySecurityGroupRules applies a new CidrIpv4 but ignores a new
#   CidrIpv6 (left as a TODO in moto): the rule keeps its old range. The wrapper below
#   applies it as EC2 does, and refuses an IPv6 range on an IPv4 rule as EC2 does.
#   The other calls cordon's exposure checks make, moto serves as they are:
#   DescribeSecurityGroupRules by id or filter, RevokeSecurityGroupIngress by
#   SecurityGroupRuleIds, DescribeVpcs by is-default, DescribeSecurityGroups by
#   group-name and vpc-id.
import json
import logging
import os
import re
import sys
import threading
from datetime import datetime, timezone

# Speed, as profiled under the benchmarks' load: no line logged per request (it goes
# nowhere), and room in Python's regex cache for the patterns moto matches every
# request against, which the default 512 entries keep evicting.
logging.getLogger("werkzeug").setLevel(logging.ERROR)
re._MAXCACHE = 8192


def stop_when_parent_ends():
    sys.stdin.read()
    try:
        os.remove(os.environ["MOTO_RECORDER_FILEPATH"])
    except (KeyError, OSError):
        pass
    os._exit(0)


def batch_update_findings(self):
    body = json.loads(self.body or "{}")
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    processed, unprocessed = [], []
    for identifier in body.get("FindingIdentifiers", []):
        finding = next(
            (
                f
                for f in self.securityhub_backend.findings
                if f.id == identifier.get("Id")
                and f.data.get("ProductArn") == identifier.get("ProductArn")
            ),
            None,
        )
        if finding is None:
            unprocessed.append(
                {
                    "FindingIdentifier": identifier,
                    "ErrorCode": "FindingNotFound",
                    "ErrorMessage": "Finding Not Found",
                }
            )
            continue
        if "Note" in body:
            finding.data["Note"] = dict(body["Note"], UpdatedAt=now)
        if "Workflow" in body:
            finding.data.setdefault("Workflow", {}).update(body["Workflow"])
        if "UserDefinedFields" in body:
            finding.data.setdefault("UserDefinedFields", {}).update(body["UserDefinedFields"])
        finding.data["UpdatedAt"] = now
        processed.append(identifier)
    return json.dumps({"ProcessedFindings": processed, "UnprocessedFindings": unprocessed})


# (detector id, finding id) -> the finding, as GuardDuty reported it.
_PUBLISHED_FINDINGS = {}


def publish_finding(request, full_url, headers):
    detector_id = full_url.split("/detector/")[1].split("/")[0]
    body = request.data if hasattr(request, "data") else request.body
    finding = json.loads(body or "{}")
    _PUBLISHED_FINDINGS[(detector_id, finding.get("id"))] = finding
    return 200, {"Content-Type": "application/json"}, "{}"


# Nested fields GuardDuty's API model types as timestamps (epoch seconds on the wire).
_TIMESTAMP_KEYS = {
    "lastModifiedAt",
    "startTime",
    "lineageStartTime",
    "createdAt",
    "scanStartedAt",
    "scanCompletedAt",
    "firstSeenAt",
    "lastSeenAt",
}


def as_api_sends(value, nested=False):
    if isinstance(value, dict):
        return {
            key: (
                epoch_seconds(item)
                if nested and key in _TIMESTAMP_KEYS and isinstance(item, str)
                else as_api_sends(item, True)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [as_api_sends(item, True) for item in value]
    return value


def epoch_seconds(text):
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return text


def get_findings(self):
    detector_id = self.path.split("/detector/")[1].split("/")[0]
    body = json.loads(self.body or "{}")
    findings = [
        as_api_sends(_PUBLISHED_FINDINGS[(detector_id, finding_id)])
        for finding_id in body.get("findingIds", [])
        if (detector_id, finding_id) in _PUBLISHED_FINDINGS
    ]
    return json.dumps({"findings": findings})


threading.Thread(target=stop_when_parent_ends, daemon=True).start()

from moto.guardduty import urls as guardduty_urls  # noqa: E402
from moto.guardduty.responses import GuardDutyResponse  # noqa: E402
from moto.securityhub import urls as securityhub_urls  # noqa: E402
from moto.securityhub.responses import SecurityHubResponse  # noqa: E402
from moto.dynamodb.responses import DynamoHandler  # noqa: E402
from moto.ec2.exceptions import InvalidParameterValue  # noqa: E402
from moto.ec2.models.security_groups import SecurityGroupBackend  # noqa: E402
from moto.server import main  # noqa: E402


# DynamoDB evaluates a write's condition and applies it as one atomic step; moto's
# threaded server does not, so two conditional writes racing on an item could both
# pass. Serialising the item calls restores the semantics the ledger relies on.
_ITEM_LOCK = threading.Lock()


def serialised(call):
    def locked(self):
        with _ITEM_LOCK:
            return call(self)

    return locked


for _name in ("put_item", "get_item", "update_item", "delete_item"):
    setattr(DynamoHandler, _name, serialised(getattr(DynamoHandler, _name)))

_modify_security_group_rules = SecurityGroupBackend.modify_security_group_rules


def modify_security_group_rules(self, group_id, rules):
    group = self.get_security_group_by_name_or_id(group_id)
    for rule_id, new_rule in rules.items():
        rule = group.get_rule(rule_id) if group else None
        if new_rule.get("CidrIpv6") is not None and rule and "CidrIp" in rule.ip_range:
            raise InvalidParameterValue(
                f"Invalid rule type for security group rule '{rule_id}'. You may not "
                "specify CidrIpv6 for an existing IPv4 CIDR rule."
            )
    _modify_security_group_rules(self, group_id, rules)
    for rule_id, new_rule in rules.items():
        rule = group.get_rule(rule_id)
        if new_rule.get("CidrIpv6") is not None:
            rule.ip_range["CidrIpv6"] = new_rule["CidrIpv6"]


SecurityGroupBackend.modify_security_group_rules = modify_security_group_rules
SecurityHubResponse.batch_update_findings = batch_update_findings
securityhub_urls.url_paths["{0}/findings/batchupdate$"] = SecurityHubResponse.dispatch
GuardDutyResponse.get_findings = get_findings
guardduty_urls.url_paths["{0}/detector/(?P<detector_id>[^/]+)/findings/get$"] = (
    GuardDutyResponse.dispatch
)
guardduty_urls.url_paths[
    "{0}/detector/(?P<detector_id>[^/]+)/cordon-published-findings$"
] = publish_finding
main(["-H", "127.0.0.1", "-p", sys.argv[1]])
