"""Every IAM policy of CloudFormation templates (as JSON), resolved offline, then
parliament on each document and cloudsplaining on each role's grants. Arguments: a
JSON object of parameter values (the rest keep their defaults), then pairs of a
label and a template path. Prints one JSON object per template (what was read) and
one per finding: tool, source, subject (logical id), finding and detail (one action,
method or value each)."""
import json, re, sys, warnings

warnings.filterwarnings("ignore")  # parliament imports pkg_resources
from cloudsplaining.command.scan_policy_file import scan_policy
from cloudsplaining.shared.constants import DEFAULT_EXCLUSIONS_CONFIG
from parliament import analyze_policy_string

ACCOUNT, REGION = "123456789012", "us-east-1"
NOVALUE = object()
ARNS = {
    "AWS::IAM::Role": "arn:aws:iam::{a}:role/cordon/{n}",
    "AWS::IAM::ManagedPolicy": "arn:aws:iam::{a}:policy/{n}",
    "AWS::SNS::Topic": "arn:aws:sns:{r}:{a}:{n}",
    "AWS::SQS::Queue": "arn:aws:sqs:{r}:{a}:{n}",
    "AWS::DynamoDB::Table": "arn:aws:dynamodb:{r}:{a}:table/{n}",
    "AWS::KMS::Key": "arn:aws:kms:{r}:{a}:key/00000000-0000-0000-0000-000000000000",
    "AWS::Lambda::Function": "arn:aws:lambda:{r}:{a}:function:{n}",
    "AWS::Events::Rule": "arn:aws:events:{r}:{a}:rule/{n}",
    "AWS::Logs::LogGroup": "arn:aws:logs:{r}:{a}:log-group:{n}:*",
}


class Template:
    """A template's values offline: parameter defaults unless `overrides` names them."""

    def __init__(self, path, overrides):
        self.t = json.load(open(path))
        self.resources = self.t.get("Resources", {})
        self.params = {k: str(v.get("Default", "")) for k, v in self.t.get("Parameters", {}).items()}
        self.params.update({k: v for k, v in overrides.items() if k in self.params})

    def arn(self, name):
        kind = self.resources[name]["Type"]
        fmt = ARNS.get(kind, "arn:aws:cloudformation:{r}:{a}:stack/{n}")
        return fmt.format(a=ACCOUNT, r=REGION, n=name)

    def ref(self, name):
        pseudo = {"AWS::Partition": "aws", "AWS::AccountId": ACCOUNT, "AWS::Region": REGION,
                  "AWS::StackName": "cordon", "AWS::URLSuffix": "amazonaws.com", "AWS::NoValue": NOVALUE}
        if name in pseudo:
            return pseudo[name]
        if name in self.params:
            return self.params[name]
        kind = self.resources[name]["Type"]
        if kind in ("AWS::SNS::Topic", "AWS::IAM::ManagedPolicy"):
            return self.arn(name)
        if kind == "AWS::KMS::Key":
            return self.arn(name).rsplit("/", 1)[1]
        return name

    def condition(self, name):
        return self.truth(self.t["Conditions"][name])

    def truth(self, node):
        (fn, arg), = node.items()
        if fn == "Fn::Equals":
            return str(self.resolve(arg[0])) == str(self.resolve(arg[1]))
        if fn == "Fn::Not":
            return not self.truth(arg[0])
        if fn == "Fn::And":
            return all(self.truth(x) for x in arg)
        if fn == "Fn::Or":
            return any(self.truth(x) for x in arg)
        if fn == "Condition":
            return self.condition(arg)
        raise ValueError(f"unsupported condition function {fn}")

    def resolve(self, node):
        if isinstance(node, list):
            return [x for x in (self.resolve(x) for x in node) if x is not NOVALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            (fn, arg), = node.items()
            if fn == "Ref":
                return self.ref(arg)
            if fn == "Fn::GetAtt":
                name, attr = arg if isinstance(arg, list) else arg.split(".", 1)
                return self.arn(name) if attr == "Arn" else f"{name}.{attr}"
            if fn == "Fn::Sub":
                text, names = (arg, {}) if isinstance(arg, str) else arg
                names = {k: self.resolve(v) for k, v in names.items()}
                def one(m):
                    key = m.group(1)
                    if key.startswith("!"):
                        return "${" + key[1:] + "}"
                    if key in names:
                        return str(names[key])
                    if "." in key:
                        return str(self.resolve({"Fn::GetAtt": key.split(".", 1)}))
                    return str(self.ref(key))
                return re.sub(r"\$\{([^}]+)\}", one, text)
            if fn == "Fn::Join":
                return arg[0].join(str(x) for x in self.resolve(arg[1]))
            if fn == "Fn::Split":
                return str(self.resolve(arg[1])).split(arg[0])
            if fn == "Fn::Select":
                return self.resolve(arg[1])[int(self.resolve(arg[0]))]
            if fn == "Fn::If":
                return self.resolve(arg[1] if self.condition(arg[0]) else arg[2])
        resolved = {k: self.resolve(v) for k, v in node.items()}
        return {k: v for k, v in resolved.items() if v is not NOVALUE}


def document(doc):
    # A document written as JSON text (to put a parameter into a condition key).
    return json.loads(doc) if isinstance(doc, str) else doc


def policies(path, overrides):
    """(subject, kind, document) for every policy: a role's identity or trust policy,
    a managed policy, or a resource policy."""
    tpl = Template(path, overrides)
    for name, res in tpl.resources.items():
        if "Condition" in res and not tpl.condition(res["Condition"]):
            continue
        kind = res["Type"]
        props = tpl.resolve(res.get("Properties", {}))
        if kind == "AWS::IAM::Role":
            yield name, "trust", document(props["AssumeRolePolicyDocument"])
            for policy in props.get("Policies", []):
                yield name, "identity", document(policy["PolicyDocument"])
            for arn in props.get("ManagedPolicyArns", []):
                for other in tpl.resources:
                    if tpl.resources[other]["Type"] == "AWS::IAM::ManagedPolicy" and tpl.arn(other) == arn:
                        managed = tpl.resolve(tpl.resources[other]["Properties"])
                        yield name, "identity", document(managed["PolicyDocument"])
        elif kind in ("AWS::IAM::ManagedPolicy", "AWS::IAM::Policy"):
            # On its own for parliament; cloudsplaining sees it with each role above.
            yield name, "managed", document(props["PolicyDocument"])
        elif kind == "AWS::KMS::Key":
            # In a key policy, Resource "*" is the key itself.
            doc = document(props["KeyPolicy"])
            for stmt in doc["Statement"]:
                if stmt.get("Resource") == "*":
                    stmt["Resource"] = tpl.arn(name)
            yield name, "resource", doc
        elif kind in ("AWS::SNS::TopicPolicy", "AWS::SQS::QueuePolicy"):
            yield name, "resource", document(props["PolicyDocument"])


def statements(doc):
    found = doc["Statement"]
    return found if isinstance(found, list) else [found]


def parliament(doc):
    """(finding, detail) for each of parliament's findings, one per action."""
    for f in analyze_policy_string(json.dumps(doc), include_community_auditors=True).findings:
        where = f.location if isinstance(f.location, dict) else {}
        detail = f.detail or where.get("type") or where.get("actions") or where.get("string") or ""
        for one in detail if isinstance(detail, list) else [detail]:
            yield f.issue, one["action"] if isinstance(one, dict) else str(one)


def cloudsplaining(docs):
    """(risk, detail) for a principal's grants. cloudsplaining subtracts every action
    a Deny names, whatever its resources and conditions, so it is given the Allow
    statements only. The high-priority risks are flagged even where an ARN or a
    condition limits the grant (role/* is every role); infrastructure changes only
    where nothing limits them."""
    allowed = [s for d in docs for s in statements(d) if s.get("Effect") == "Allow"]
    if not allowed:
        return
    policy = {"Version": "2012-10-17", "Statement": allowed}
    strict = scan_policy(policy, DEFAULT_EXCLUSIONS_CONFIG, flag_conditional_statements=True,
                         flag_resource_arn_statements=True)
    plain = scan_policy(policy, DEFAULT_EXCLUSIONS_CONFIG)
    for results, risks in ((strict, ("PrivilegeEscalation", "ResourceExposure", "DataExfiltration",
                                     "CredentialsExposure", "ServiceWildcard")),
                           (plain, ("InfrastructureModification",))):
        for risk in risks:
            for item in results[risk]["findings"]:
                yield risk, item["type"] if isinstance(item, dict) else str(item)


overrides = json.loads(sys.argv[1])
seen = set()
for source, path in zip(sys.argv[2::2], sys.argv[3::2]):
    grants, count = {}, 0
    for subject, kind, doc in policies(path, overrides):
        count += 1
        # parliament has no grammar for trust policies (they have no Resource).
        if kind != "trust":
            for finding, detail in parliament(doc):
                seen.add(("parliament", source, subject, finding, detail))
        if kind == "identity":
            grants.setdefault(subject, []).append(doc)
    for subject, docs in grants.items():
        for finding, detail in cloudsplaining(docs):
            seen.add(("cloudsplaining", source, subject, finding, detail))
    print(json.dumps({"source": source, "policies": count, "principals": len(grants)}))
for tool, source, subject, finding, detail in sorted(seen):
    print(json.dumps({"tool": tool, "source": source, "subject": subject, "finding": finding, "detail": detail}))
