"""The Terraform export, read back with python-hcl2: every file parses, every reference names a
block of the module, and the organization, accounts, SCP attachments and trust policies read
back are the design's (policy_set's documents for the policies)."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from typing import Any

import hcl2
import pytest
from hcl2.utils import SerializationOptions

from benchmarks.synthetic import synthetic_design
from designer.analysis.inventory import ou_paths
from designer.artefacts.policy_set import EACH_ACCOUNT, FULL_AWS_ACCESS, build_policies
from designer.artefacts.tokens import plain
from designer.engines.files import ConfigFile
from designer.engines.terraform import CARRIES
from designer.engines.terraform.write import write_config
from designer.model.design import Design
from designer.model.errors import one_line
from designer.model.governance import ServiceControlPolicy
from designer.model.nodes import Account, OrganizationalUnit
from designer.model.relationships import TrustRelationship
from designer.model.templates import load_template, template_paths
from designer.model.vocabulary import (
    AccessLevel,
    AccountFunction,
    IdentityProviderKind,
    LogType,
    ResourceType,
)

OPTIONS = SerializationOptions(strip_string_quotes=True, explicit_blocks=False, with_comments=False)
TEMPLATES = sorted(template_paths())
TRAVERSAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*|\[[0-9]+\])*")
KEYWORDS = {"true", "false", "null", "string", "jsonencode"}


# -- reading the export back ---------------------------------------------------------------------
class Module:
    """The parsed .tf files of the root module (aft-account-requests/ apart)."""

    def __init__(self, files: list[ConfigFile]) -> None:
        self.texts = {f.path: f.text for f in files}
        self.parsed = {
            f.path: hcl2.loads(f.text, serialization_options=OPTIONS)
            for f in files
            if f.path.endswith(".tf")
        }
        self.resources: dict[tuple[str, str], dict[str, Any]] = {}
        self.duplicates: list[tuple[str, str]] = []
        self.modules: dict[str, dict[str, Any]] = {}
        self.variables: set[str] = set()
        self.aliases: dict[str, dict[str, Any]] = {}
        for path, data in self.parsed.items():
            if path.startswith("aft-account-requests/"):
                for entry in data.get("module", []):
                    self._add(self.modules, "module", entry)
                continue
            for entry in data.get("resource", []):
                for kind, named in entry.items():
                    for name, body in named.items():
                        if (kind, name) in self.resources:
                            self.duplicates.append((kind, name))
                        self.resources[(kind, name)] = body
            for entry in data.get("variable", []):
                self.variables.update(entry)
            for entry in data.get("provider", []):
                body = entry["aws"]
                if "alias" in body:
                    self.aliases[body["alias"]] = body

    def _add(self, table: dict[str, Any], what: str, entry: dict[str, Any]) -> None:
        for name, body in entry.items():
            if name in table:
                self.duplicates.append((what, name))
            table[name] = body

    def of(self, kind: str) -> dict[str, dict[str, Any]]:
        return {name: body for (k, name), body in self.resources.items() if k == kind}


def expressions(text: str) -> list[str]:
    """The code of every interpolation in a parsed string value, nested strings included;
    literal text (where `$${` is an escaped `${`) is skipped."""
    found: list[str] = []
    i = 0
    while i < len(text):
        if text.startswith("$${", i) or text.startswith("%%{", i):
            i += 3
        elif text.startswith("${", i):
            end = _closing(text, i + 2)
            found += _code(text[i + 2 : end])
            i = end + 1
        else:
            i += 1
    return found


def _closing(text: str, start: int) -> int:
    depth, i, quoted = 1, start, False
    while i < len(text):
        c = text[i]
        if quoted:
            if c == "\\":
                i += 1
            elif c == '"':
                quoted = False
        elif c == '"':
            quoted = True
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise AssertionError(f"unclosed interpolation in {text!r}")


def _code(code: str) -> list[str]:
    """The expression itself, then the interpolations of the strings quoted inside it."""
    outside, strings, i = [], [], 0
    while i < len(code):
        if code[i] == '"':
            j, buf = i + 1, []
            while code[j] != '"':
                if code[j] == "\\":
                    buf.append(code[j : j + 2])
                    j += 2
                    continue
                if code.startswith("${", j):
                    end = _closing(code, j + 2)
                    buf.append(code[j : end + 1])
                    j = end + 1
                    continue
                buf.append(code[j])
                j += 1
            strings.append("".join(buf))
            outside.append(" ")
            i = j + 1
        else:
            outside.append(code[i])
            i += 1
    found = ["".join(outside)]
    for s in strings:
        found += expressions(s)
    return found


def references(value: Any) -> list[str]:
    """Every traversal used in a parsed value (object keys are literal: skipped)."""
    if isinstance(value, dict):
        return [r for v in value.values() for r in references(v)]
    if isinstance(value, list):
        return [r for v in value for r in references(v)]
    if not isinstance(value, str):
        return []
    return [t for code in expressions(value) for t in TRAVERSAL.findall(_without_keys(code))]


def _without_keys(code: str) -> str:
    """Object-constructor keys (`Version =`, `AWS =`) are literal names, not references."""
    return re.sub(r"[A-Za-z_][A-Za-z0-9_-]*\s*=(?!=)", " ", code)


def unresolved(module: Module) -> list[str]:
    missing = []
    for data in module.parsed.values():
        for ref in references(data):
            head, *rest = ref.split(".")
            if head in KEYWORDS or not rest:
                continue
            if head == "var":
                ok = rest[0] in module.variables
            elif head == "aws":
                ok = rest[0] in module.aliases
            elif head == "module":
                ok = rest[0] in module.modules
            else:
                ok = (head, re.sub(r"\[[0-9]+\]$", "", rest[0])) in module.resources
            if not ok:
                missing.append(ref)
    return missing


def literal(value: str) -> str:
    """A parsed string holding no interpolation, its template escapes undone."""
    assert not expressions(value), value
    return value.replace("$${", "${").replace("%%{", "%{")


def ref_name(value: str, kind: str) -> str:
    match = re.fullmatch(rf"\$\{{{kind}\.([A-Za-z0-9_-]+)\.id\}}", value)
    assert match, value
    return match.group(1)


# -- exports, parsed once ------------------------------------------------------------------------
def planned(design: Design) -> Design:
    """The design before anything exists: no account or organization ids."""
    copy = design.model_copy(deep=True)
    copy.accounts = [a.model_copy(update={"aws_account_id": None}) for a in copy.accounts]
    copy.organization = copy.organization.model_copy(update={"organization_id": None})
    return copy


NAMES = {
    "Management": 'Man"agement ${var.x}',
    "Information Security": "Info}Sec %{ if x } \\",
    "Retail Production": "Dev",
    "Payments Production": "dev",
    "Retail Development": "DÉV!\n🚀",
    "Security": 'Sec"urity ${var.nope}',
    "Workloads": "Work\\loads %{ for x in y }",
}
DEEP = ["prod", "Prod!", "日本 \u202e", "x\ty ${a}"]  # under Workloads: five levels deep


def hostile() -> Design:
    """information-security with names that are hard to write: quotes, backslashes, ${ and %{,
    control and bidi characters, unicode, names that collide once made identifiers; an SCP
    with an IAM policy variable; two roles whose names collide once made identifiers."""
    design = planned(load_template("information-security"))
    rename = lambda node: node.model_copy(update={"name": NAMES.get(node.name, node.name)})  # noqa: E731
    design.organizational_units = [rename(u) for u in design.organizational_units]
    design.accounts = [rename(a) for a in design.accounts]
    design.accounts = [  # a planned account whose e-mail is not decided yet
        a.model_copy(update={"email": None}) if a.name == NAMES["Retail Development"] else a
        for a in design.accounts
    ]
    parent = next(u for u in design.organizational_units if u.name == NAMES["Workloads"])
    for name in DEEP:
        parent = OrganizationalUnit(name=name, parent=parent.id)
        design.organizational_units.append(parent)
    scp = ServiceControlPolicy(
        name='Deny "${aws:username}" %{x}',
        description="desc\\ %{ if }\n${y}",
        document={
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::${aws:username}/*"}
            ],
        },
    )
    design.service_control_policies.append(scp)
    parent = parent.model_copy(update={"scps": [scp.id]})
    design.organizational_units[-1] = parent
    deep = Account(
        name="dev ",
        email='we"ird${x}\\%{y}@example.com',
        functions=[AccountFunction.WORKLOAD],
        parent=parent.id,
        tags={'k"${y}': "v\n%{z}", "plain": "é"},
        scps=[scp.id],
        purpose='why ${not} "this"',
    )
    design.accounts.append(deep)
    source = next(a for a in design.accounts if a.name == NAMES["Information Security"])
    target = next(a for a in design.accounts if a.name == "Dev")
    for role in ("Admin+x", "Admin=x"):
        design.relationships.append(
            TrustRelationship(
                source=source.id,
                target=target.id,
                role_name=role,
                access_level=AccessLevel.READ_ONLY,
            )
        )
        design.relationships.append(
            TrustRelationship(
                source=source.id,
                target=deep.id,
                role_name=role,
                access_level=AccessLevel.READ_ONLY,
            )
        )
    return Design.model_validate(design.model_dump())


@cache
def design_of(name: str) -> Design:
    if name == "hostile":
        return hostile()
    if name == "synthetic-2000":
        return synthetic_design(2000)
    if name.startswith("planned-"):
        return planned(load_template(name.removeprefix("planned-")))
    return load_template(name)


@cache
def exported(name: str) -> Module:
    return Module(write_config(design_of(name)))


CASES = [*TEMPLATES, "planned-identity", "planned-information-security", "hostile"]


# -- tests ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [*CASES, "synthetic-2000"])
def test_every_file_parses_and_every_reference_resolves(name: str) -> None:
    module = exported(name)
    tf = [p for p in module.texts if p.endswith(".tf")]
    assert len(module.parsed) == len(tf)
    assert {"organization.tf", "providers.tf"} <= set(tf)
    assert not module.duplicates
    assert unresolved(module) == []


def test_reference_check_catches_a_dangling_reference() -> None:
    module = exported("central-it")
    module.parsed["extra.tf"] = hcl2.loads(
        'x = "${aws_organizations_account.nobody.id}"\n', serialization_options=OPTIONS
    )
    assert unresolved(module) == ["aws_organizations_account.nobody.id"]
    del module.parsed["extra.tf"]


def _parent_path(module: Module, parent: str, paths: dict[str, str]) -> str:
    if parent == "${aws_organizations_organization.this.roots[0].id}":
        return "Root"
    return paths[ref_name(parent, "aws_organizations_organizational_unit")]


def ou_paths_read_back(module: Module) -> dict[str, str]:
    units = module.of("aws_organizations_organizational_unit")
    paths: dict[str, str] = {}

    def path(name: str) -> str:
        if name not in paths:
            body = units[name]
            parent = body["parent_id"]
            above = (
                "Root"
                if parent.endswith(".roots[0].id}")
                else path(ref_name(parent, "aws_organizations_organizational_unit"))
            )
            paths[name] = f"{above}/{literal(body['name'])}"
        return paths[name]

    for name in units:
        path(name)
    return paths


@pytest.mark.parametrize("name", [*CASES, "synthetic-2000"])
def test_ou_nesting_matches_the_design(name: str) -> None:
    design, module = design_of(name), exported(name)
    expected = Counter(p for k, p in ou_paths(design).items() if k is not None)
    assert Counter(ou_paths_read_back(module).values()) == expected


@pytest.mark.parametrize("name", [*CASES, "synthetic-2000"])
def test_accounts_name_email_parent_tags_and_imports(name: str) -> None:
    design, module = design_of(name), exported(name)
    paths = ou_paths_read_back(module)
    imports = {
        entry["to"]: literal(entry["id"])
        for data in module.parsed.values()
        for entry in data.get("import", [])
    }
    got = Counter(
        (
            literal(body["name"]),
            _email(module, body["email"]),
            _parent_path(module, body["parent_id"], paths),
            tuple(sorted((literal(k), literal(v)) for k, v in body.get("tags", {}).items())),
            imports.get(f"${{aws_organizations_account.{ident}}}"),
            body["close_on_deletion"],
        )
        for ident, body in module.of("aws_organizations_account").items()
    )
    design_paths = ou_paths(design)
    expected = Counter(
        (
            a.name,
            a.email,
            design_paths[a.parent],
            tuple(sorted(a.tags.items())),
            a.aws_account_id,
            False,
        )
        for a in design.accounts
        if a.id != design.organization.management_account
    )
    assert got == expected
    org_import = imports.get("${aws_organizations_organization.this}")
    assert org_import == design.organization.organization_id


def _email(module: Module, value: str) -> str | None:
    """The e-mail written, or None for a variable the user fills in (never an invented one)."""
    refs = expressions(value)
    if not refs:
        return literal(value)
    assert value == f"${{{refs[0]}}}"
    assert refs[0].removeprefix("var.") in module.variables
    return None


def _target_label(module: Module, target: str, paths: dict[str, str]) -> str:
    if target.endswith(".roots[0].id}"):
        return "Root"
    if target.startswith("${aws_organizations_organizational_unit."):
        return "OU " + paths[ref_name(target, "aws_organizations_organizational_unit")]
    if target.startswith("${aws_organizations_account."):
        ident = ref_name(target, "aws_organizations_account")
        return "Account " + literal(module.of("aws_organizations_account")[ident]["name"])
    return "Account id " + literal(target)


@pytest.mark.parametrize("name", [*CASES, "synthetic-2000"])
def test_every_scp_attachment_targets_what_policy_set_says(name: str) -> None:
    design, module = design_of(name), exported(name)
    paths = ou_paths_read_back(module)
    policies = module.of("aws_organizations_policy")
    got = Counter(
        (
            literal(policies[ref_name(body["policy_id"], "aws_organizations_policy")]["name"]),
            _target_label(module, body["target_id"], paths),
        )
        for body in module.of("aws_organizations_policy_attachment").values()
    )
    design_paths = ou_paths(design)
    accounts = {a.id: a for a in design.accounts}

    def label(kind: str, design_id: str) -> str:
        if kind == "ROOT":
            return "Root"
        if kind == "ORGANIZATIONAL_UNIT":
            return "OU " + design_paths[design_id]
        account = accounts[design_id]
        if account.id == design.organization.management_account:
            return "Account id " + (account.aws_account_id or "")
        return "Account " + account.name

    expected = Counter(
        (policy, label(target.type, target.design_id))
        for target in build_policies(design).attachments
        for policy in target.policies
        if policy != FULL_AWS_ACCESS
    )
    assert got == expected


def jsonencoded(value: str) -> Any:
    """The document inside "${jsonencode(...)}", as python-hcl2 reads it."""
    assert value.startswith("${jsonencode("), value[:40]
    assert value.endswith(")}"), value[-40:]
    inner = value[len("${jsonencode(") : -2]
    return hcl2.loads(f"x = {inner}\n", serialization_options=OPTIONS)["x"]


class Placeholders:
    """References read back as policy_set's placeholders, by the names the blocks hold."""

    def __init__(self, design: Design, module: Module) -> None:
        accounts = module.of("aws_organizations_account")
        self.names = {
            f"aws_organizations_account.{k}.id": literal(v["name"]) for k, v in accounts.items()
        }
        mgmt = next(
            (a for a in design.accounts if a.id == design.organization.management_account), None
        )
        self.management = one_line(mgmt.name) if mgmt else ""
        self.ou_paths = {
            f"aws_organizations_organizational_unit.{k}.id": p.removeprefix("Root/")
            for k, p in ou_paths_read_back(module).items()
        }

    def code(self, code: str) -> str:
        if code in self.names:
            return f"${{AccountId:{one_line(self.names[code])}}}"
        if code in self.ou_paths:
            return f"${{OuId:{self.ou_paths[code]}}}"
        fixed = {
            "aws_organizations_organization.this.id": "${OrganizationId}",
            "aws_organizations_organization.this.roots[0].id": "${RootId}",
            "aws_organizations_organization.this.master_account_id": (
                f"${{AccountId:{self.management}}}"
            ),
            "var.region": "${HomeRegion}",
        }
        return fixed[code]

    def text(self, text: str) -> str:
        out, i = [], 0
        while i < len(text):
            if text.startswith("$${", i) or text.startswith("%%{", i):
                out.append(text[i + 1 : i + 3])
                i += 3
            elif text.startswith("${", i):
                end = _closing(text, i + 2)
                out.append(self.code(text[i + 2 : end]))
                i = end + 1
            else:
                out.append(text[i])
                i += 1
        return "".join(out)

    def document(self, node: Any) -> Any:
        if isinstance(node, dict):
            return {k: self.document(v) for k, v in node.items()}
        if isinstance(node, list):
            return [self.document(v) for v in node]
        return self.text(node) if isinstance(node, str) else node


def _account_of_role(design: Design, module: Module, body: dict[str, Any]) -> str:
    """The name of the account a role block lands in, from its provider's role_arn."""
    if "provider" not in body:
        mgmt = next(a for a in design.accounts if a.id == design.organization.management_account)
        return mgmt.name
    alias = module.aliases[body["provider"].removeprefix("${aws.").removesuffix("}")]
    arn = alias["assume_role"][0]["role_arn"]
    refs = expressions(arn)
    if refs:
        ident = refs[0].split(".")[1]
        return literal(module.of("aws_organizations_account")[ident]["name"])
    account_id = arn.split(":")[4]
    return next(a.name for a in design.accounts if a.aws_account_id == account_id)


@pytest.mark.parametrize("name", [*CASES, "synthetic-2000"])
def test_trust_policies_are_policy_sets_documents(name: str) -> None:
    design, module = design_of(name), exported(name)
    placeholders = Placeholders(design, module)
    by_name = {a.name: a for a in design.accounts}
    got: Counter[tuple[str, str, str]] = Counter()
    for body in module.of("aws_iam_role").values():
        account = _account_of_role(design, module, body)
        document = placeholders.document(jsonencoded(body["assume_role_policy"]))
        got[(account, literal(body["name"]), repr(document))] += 1
    expected: Counter[tuple[str, str, str]] = Counter()
    for role in build_policies(design).roles:
        trust = {"Version": "2012-10-17", "Statement": role.trust}
        if role.deployed_to is None:
            expected[(role.account_name, role.name, repr(plain(trust)))] += 1
            continue
        for account in _members(design, role.key):
            here = by_name[account].aws_account_id or f"${{AccountId:{one_line(account)}}}"
            text = repr(plain(trust)).replace(EACH_ACCOUNT, here)
            expected[(account, role.name, text)] += 1
    assert got == expected


def _members(design: Design, key: tuple[str, ...]) -> list[str]:
    from designer.artefacts.scoping import ExportScopes

    scopes = ExportScopes(design)
    scope, name, *excluded = key
    rel = next(
        r
        for r in design.relationships
        if r.kind == "trust"
        and r.target == scope
        and r.role_name == name
        and sorted(r.excluded_accounts) == excluded
    )
    return [scopes.accounts[a].name for a in scopes.stack_set_accounts(rel)]


def test_planned_accounts_are_referenced_never_invented() -> None:
    module = exported("planned-information-security")
    assert not any("import" in data for data in module.parsed.values())
    arns = [body["assume_role"][0]["role_arn"] for body in module.aliases.values()]
    assert arns
    assert all(
        re.fullmatch(
            r"arn:aws:iam::\$\{aws_organizations_account\.[a-z0-9_]+\.id\}"
            r":role/OrganizationAccountAccessRole",
            arn,
        )
        for arn in arns
    )
    assert not re.search(r"[0-9]{12}", "".join(module.texts[p] for p in ("providers.tf",)))


@pytest.mark.parametrize("name", ["reference-landing-zone", "synthetic-2000"])
def test_same_design_same_bytes(name: str) -> None:
    first = write_config(design_of(name))
    again = write_config(design_of(name).model_copy(deep=True))
    assert [(f.path, f.text) for f in first] == [(f.path, f.text) for f in again]


CONTROL_TOWER_OWN = {AccountFunction.LOG_ARCHIVE, AccountFunction.SECURITY_TOOLING}


def _vendable(design: Design) -> list[Account]:
    """Accounts AFT may vend: planned, in an OU, neither the management account nor one that
    Control Tower's landing zone creates (log archive, audit)."""
    units = {u.id for u in design.organizational_units}
    return [
        a
        for a in design.accounts
        if a.id != design.organization.management_account
        and not CONTROL_TOWER_OWN & set(a.functions)
        and a.aws_account_id is None
        and a.parent in units
    ]


@pytest.mark.parametrize("name", [*CASES, "planned-logging"])
def test_aft_requests_only_for_planned_accounts_aft_may_vend(name: str) -> None:
    design, module = design_of(name), exported(name)
    requested = Counter(
        literal(body["control_tower_parameters"]["AccountName"]) for body in module.modules.values()
    )
    assert requested == Counter(a.name for a in _vendable(design))
    mgmt = design.organization.management_account
    never = {
        a.name for a in design.accounts if a.id == mgmt or CONTROL_TOWER_OWN & set(a.functions)
    }
    assert not never & set(requested)


def test_aft_requests_hold_what_the_design_holds_and_no_invented_sso_user() -> None:
    design, module = design_of("hostile"), exported("hostile")
    by_name = {a.name: a for a in _vendable(design)}
    units = {u.id: u for u in design.organizational_units}
    nested = 0
    assert module.modules
    for body in module.modules.values():
        assert literal(body["source"]) == "./modules/aft-account-request"
        params = {k: literal(v) for k, v in body["control_tower_parameters"].items()}
        account = by_name[params["AccountName"]]
        assert params.get("AccountEmail") == account.email  # none written when none is known
        unit = units[account.parent or ""]
        # AFT: a top-level OU by name, a nested one as "<name> (<ou id>)": the id is a visible
        # placeholder the user replaces, never left out
        if unit.parent is None:
            assert params["ManagedOrganizationalUnit"] == unit.name
        else:
            nested += 1
            assert params["ManagedOrganizationalUnit"] == f"{unit.name} (ou-REPLACE-ME)"
        assert not {"SSOUserEmail", "SSOUserFirstName", "SSOUserLastName"} & set(params)
        assert {
            literal(k): literal(v) for k, v in body.get("account_tags", {}).items()
        } == account.tags
    assert nested


def test_readmes_say_aft_and_organization_tf_are_alternatives() -> None:
    design = design_of("planned-logging")
    files = {f.path: f.text for f in write_config(design)}
    aft_readme = files["aft-account-requests/README.md"]
    assert "ONE of the two" in aft_readme
    # every account without a request is listed with the reason
    vendable = {a.id for a in _vendable(design)}
    assert vendable
    for account in design.accounts:
        listed = f"- {account.name}: " in aft_readme
        assert listed == (account.id not in vendable)
    assert "ALTERNATIVE to organization.tf" in files["README.md"]


# -- trusted access and policy types (authoritative in the provider) -----------------------------
def _needed_principals(design: Design) -> set[str]:
    """What the design implies, worked out here from the model (not from the writer)."""
    scopes = {design.organization.id} | {u.id for u in design.organizational_units}
    found: set[str] = set()
    for rel in design.relationships:
        if rel.kind == "delegated-admin":
            found.update(rel.service_principals)
        elif rel.kind == "log-delivery":
            org_trail = rel.source == design.organization.id and not rel.excluded_accounts
            if LogType.CLOUDTRAIL in rel.log_types and org_trail:
                found.add("cloudtrail.amazonaws.com")
            if LogType.CONFIG in rel.log_types:
                found.add("config.amazonaws.com")
        elif rel.kind == "resource-share" and rel.target in scopes:
            if rel.resource_type == ResourceType.RAM_SHARE:
                found.add("ram.amazonaws.com")
            if rel.resource_type == ResourceType.SERVICE_CATALOG_PORTFOLIO:
                found.add("servicecatalog.amazonaws.com")
    if any(i.kind == IdentityProviderKind.IDENTITY_CENTER for i in design.identity_providers):
        found.add("sso.amazonaws.com")
    return found


@pytest.mark.parametrize("name", [*CASES, "synthetic-2000"])
def test_trusted_access_names_every_service_the_design_needs(name: str) -> None:
    design, module = design_of(name), exported(name)
    org = module.of("aws_organizations_organization")["this"]
    written = [literal(p) for p in org["aws_service_access_principals"]]
    assert written == sorted(_needed_principals(design))
    types = [literal(t) for t in org["enabled_policy_types"]]
    assert types == (["SERVICE_CONTROL_POLICY"] if build_policies(design).scps else [])


def test_shares_with_ous_and_identity_center_keep_their_trusted_access() -> None:
    reference = module_principals("reference-landing-zone")
    assert {"ram.amazonaws.com", "servicecatalog.amazonaws.com"} <= reference
    assert "sso.amazonaws.com" in module_principals("information-security")


def module_principals(name: str) -> set[str]:
    org = exported(name).of("aws_organizations_organization")["this"]
    return {literal(p) for p in org["aws_service_access_principals"]}


def test_imported_organization_warns_that_the_lists_replace_what_is_enabled() -> None:
    files = {f.path: f.text for f in write_config(design_of("reference-landing-zone"))}
    org_tf = files["organization.tf"]
    banner = org_tf[: org_tf.index('resource "aws_organizations_organization" "this"')]
    assert "o-examplecorp1" in banner
    assert "AUTHORITATIVE" in banner
    assert "list-aws-service-access-for-organization" in banner
    assert "PolicyTypes" in banner
    readme = files["README.md"]
    section = readme[readme.index("## Trusted access and policy types") :]
    assert "`o-examplecorp1` is imported" in section
    assert "list-aws-service-access-for-organization" in section
    assert "`ram.amazonaws.com`" in section
    # a new organization: no banner, the section still says the lists are authoritative
    planned_files = {f.path: f.text for f in write_config(design_of("planned-logging"))}
    assert "WARNING" not in planned_files["organization.tf"]
    assert "is imported" not in planned_files["README.md"]
    assert "## Trusted access and policy types" in planned_files["README.md"]


def test_carries_names_only_known_concepts() -> None:
    from designer.engines.carried import CONCEPTS

    assert set(CARRIES) <= {c.key for c in CONCEPTS}
    assert "resource_shares" not in CARRIES
    assert "federation" not in CARRIES


def test_hostile_names_stay_inert_and_read_back() -> None:
    design, module = design_of("hostile"), exported("hostile")
    # every name written is the design's, character for character
    written = Counter(literal(b["name"]) for b in module.of("aws_organizations_account").values())
    mgmt = design.organization.management_account
    assert written == Counter(a.name for a in design.accounts if a.id != mgmt)
    units = module.of("aws_organizations_organizational_unit").values()
    assert Counter(literal(b["name"]) for b in units) == Counter(
        u.name for u in design.organizational_units
    )
    (policy,) = [b for b in module.of("aws_organizations_policy").values() if "description" in b]
    scp = design.service_control_policies[-1]
    assert (literal(policy["name"]), literal(policy["description"])) == (scp.name, scp.description)
    content = jsonencoded(policy["content"])
    assert literal(content["Statement"][0]["Resource"]) == "arn:aws:s3:::${aws:username}/*"
    # identifiers made from colliding names are distinct (the module has no duplicate)
    assert len(module.of("aws_organizations_account")) == len(design.accounts) - 1
    roles = [literal(b["name"]) for b in module.of("aws_iam_role").values()]
    assert Counter(roles)["Admin+x"] == 2
    assert Counter(roles)["Admin=x"] == 2
    # nothing but the writer's own references: a name never became one
    refs = {r.split(".")[0] for data in module.parsed.values() for r in references(data)}
    assert refs <= {
        "aws",
        "var",
        "string",
        "jsonencode",
        "aws_organizations_organization",
        "aws_organizations_organizational_unit",
        "aws_organizations_account",
        "aws_organizations_policy",
        "aws_iam_role",
        "aws_kms_key",
        "aws_s3_bucket",
        "aws_s3_bucket_policy",
    }
    assert not any(
        r.startswith("var.x") or r.startswith("var.nope")
        for d in module.parsed.values()
        for r in references(d)
    )
    # comments carry names on one line
    assert all("\x1b" not in t and "\u202e" not in t for t in module.texts.values())


def test_file_names_are_safe_and_unique() -> None:
    files = write_config(design_of("hostile"))
    paths = [f.path for f in files]
    assert len({p.lower() for p in paths}) == len(paths)
    assert all(re.fullmatch(r"([a-z0-9-]+/)?[A-Za-z0-9_.-]+", p) for p in paths)


def test_exporter_writes_under_terraform_with_its_readme(tmp_path: Any) -> None:
    from exporters.base import export_design

    written = export_design(design_of("information-security"), tmp_path, ["terraform"])
    paths = {f.path for f in written} - {"manifest.json"}
    assert all(p.startswith("terraform/") for p in paths)
    assert {"terraform/README.md", "terraform/organization.tf"} <= paths
    readme = (tmp_path / "terraform" / "README.md").read_text(encoding="utf-8")
    assert "terraform init && terraform validate" in readme
    assert "What the export leaves out" in readme


def test_partition_reaches_every_arn() -> None:
    files = write_config(design_of("identity"), "aws-us-gov")
    text = "".join(f.text for f in files if f.path.endswith(".tf"))
    assert "arn:aws-us-gov:iam::" in text
    assert "arn:aws:" not in text
    assert "${AWS::Partition}" not in text
    assert "https://signin.amazonaws-us-gov.com/saml" in text
