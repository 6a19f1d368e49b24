"""Reading values as org-formation resolves them: !Ref, !GetAtt, !Sub, !Join and !Select of
parameters, organization resources and the pseudo parameters.

A reference the reader must recognise later (an account, an OU, the root, the organization id,
the account a resource lands in) becomes a token "@{LogicalId}" (or "@{AWS::AccountId}",
"@{ORG::PrincipalOrgID}"): the trust reader turns tokens back into design entities, and the
report shows them as org-formation writes them (shown()). org-formation's AWSAccount and
CurrentAccount name the account being deployed to: their id is "@{AWS::AccountId}", their other
attributes raise PerAccount unless the resolver is reading for one account (the caller then
reads the resource once per bound account). What cannot be resolved without AWS (!If,
!FindInMap, !CopyValue...) raises Unresolved, which the caller reports as a gap.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from designer.engines.yamlio import Tag

PARTITION = "aws"  # ${AWS::Partition} as read back: the documents compare partition-free
TOKEN = re.compile(r"@\{([^}]+)\}")
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
PSEUDO_TOKENS = ("AWS::AccountId", "AWS::Region", "ORG::PrincipalOrgID", "AWS::StackName")
SELF = "AWS::AccountId"
# org-formation's names for the account a template is deployed to (cfn-template.ts,
# cfn-expression-resolver.ts; docs/cloudformation-resources.md "AWSAccount"): its !Ref and
# AccountId are the account's id, like AWS::AccountId; its other attributes (AccountName,
# Alias, RootEmail, Tags.<key>) differ from one bound account to the next.
CURRENT_ACCOUNT = ("AWSAccount", "CurrentAccount")


class Unresolved(Exception):
    """A value that needs AWS (or a function this reader does not evaluate) to be known."""


class PerAccount(Unresolved):
    """An attribute of the bound account (AWSAccount.Tags.x...): known once per account."""


def token(name: str) -> str:
    return "@{" + name + "}"


def shown(text: str) -> str:
    """A resolved value as the report shows it: each reference as org-formation writes it in a
    !Sub (${AWS::AccountId}, ${SharedAccount}), never this reader's own tokens."""
    return TOKEN.sub(lambda m: "${" + m.group(1) + "}", text)


@dataclass
class Resolver:
    """Resolves the values of one file: `parameters` (already plain values), and `reference`,
    which names an organization resource's value (or token) by logical id and attribute path
    (None for !Ref); it returns None for a name it does not know."""

    parameters: Mapping[str, Any] = field(default_factory=dict)
    reference: Callable[[str, str | None], str | None] = lambda name, path: None
    local: frozenset[str] = frozenset()  # the file's own resources (a !Ref is a token)
    account: str | None = None  # logical id of the one bound account being read, if any

    def value(self, node: Any) -> Any:
        if isinstance(node, Tag):
            return self.tag(node)
        if isinstance(node, list):
            return [self.value(v) for v in node]
        if isinstance(node, dict):
            return {k: self.value(v) for k, v in node.items()}
        return node

    def text(self, node: Any) -> str:
        """A value that must be one string (a name, an e-mail, an ARN)."""
        found = self.value(node)
        if isinstance(found, bool):
            return "true" if found else "false"
        if isinstance(found, (str, int, float)):
            return str(found)
        raise Unresolved("a list or mapping where one value was expected")

    def tag(self, tag: Tag) -> Any:
        if tag.name == "Ref":
            return self.ref(self.text(tag.value))
        if tag.name == "GetAtt":
            parts = tag.value if isinstance(tag.value, list) else str(tag.value).split(".", 1)
            if len(parts) != 2:
                raise Unresolved(f"!GetAtt {tag.value}")
            return self.get_att(self.text(parts[0]), self.text(parts[1]))
        if tag.name == "Sub":
            return self.sub(tag.value)
        if tag.name == "Join" and isinstance(tag.value, list) and len(tag.value) == 2:
            items = self.value(tag.value[1])
            if not isinstance(items, list):
                raise Unresolved("!Join of something that is not a list")
            return self.text(tag.value[0]).join(self.text(i) for i in items)
        if tag.name == "Select" and isinstance(tag.value, list) and len(tag.value) == 2:
            items = self.value(tag.value[1])
            index = int(self.text(tag.value[0]))
            if not isinstance(items, list) or not 0 <= index < len(items):
                raise Unresolved("!Select out of range")
            return items[index]
        raise Unresolved(f"!{tag.name}")

    def ref(self, name: str) -> Any:
        if name in self.parameters:
            return self.parameters[name]
        if name == "AWS::Partition":
            return PARTITION
        if name in CURRENT_ACCOUNT:
            return token(SELF)
        if name in PSEUDO_TOKENS or name in self.local:
            return token(name)
        found = self.reference(name, None)
        if found is None:
            raise Unresolved(f"!Ref {name}: no parameter or resource of that name")
        return found

    def get_att(self, name: str, path: str) -> str:
        if name in CURRENT_ACCOUNT:
            if path == "AccountId":
                return token(SELF)
            if self.account is None:
                raise PerAccount(f"!GetAtt {name}.{path}")
            found = self.reference(self.account, path)
            if found is None:
                raise Unresolved(f"!GetAtt {name}.{path}: not an attribute this reader knows")
            return found
        found = self.reference(name, path)
        if found is not None:
            return found
        if name in self.local:
            return token(f"{name}.{path}")
        raise Unresolved(f"!GetAtt {name}.{path}")

    def sub(self, node: Any) -> str:
        if isinstance(node, list) and len(node) == 2 and isinstance(node[1], dict):
            template, variables = self.text(node[0]), self.value(node[1])
        elif isinstance(node, str):
            template, variables = node, {}
        else:
            raise Unresolved("!Sub of an unexpected shape")

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"  # ${!Literal} is the text ${Literal}
            if name in variables:
                return self.text(variables[name])
            if "." in name and name.split(".", 1)[0] not in self.parameters:
                owner, path = name.split(".", 1)
                return self.get_att(owner, path)
            return self.text(self.ref(name))

        return _VARIABLE.sub(replace, template)
