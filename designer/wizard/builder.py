"""Collects the entities of a design grown from answers.

Every id is stable_id("wizard", seed, kind, key): the same answers give the same ids, so a
design grown again from changed answers differs from the first only where the answers differ,
and the difference can be applied to a design the architect has since edited by hand.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from designer.model import (
    Account,
    IdentityProvider,
    Organization,
    OrganizationalUnit,
    stable_id,
)
from designer.model.answers import Answers
from designer.model.building import DesignBuilder
from designer.model.decisions import Decision
from designer.model.vocabulary import (
    AccountFunction,
    DataSensitivity,
    Environment,
)

EMAIL_LIMIT = 64  # AWS Organizations CreateAccount: an account's e-mail is 6 to 64 characters


def ascii_letters(name: str) -> str:
    """'Ünïcödé Bänk' -> 'Unicode Bank': accents dropped, other scripts left out."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def slug(name: str) -> str:
    """'R&D Production' -> 'r-d-production' (e-mail local parts, bucket names)."""
    return "-".join(re.findall(r"[a-z0-9]+", name.lower()))


def pascal(name: str) -> str:
    """'Retail & Payments' -> 'RetailPayments' (IAM role names)."""
    return "".join(w[:1].upper() + w[1:] for w in re.findall(r"[A-Za-z0-9]+", name))


@dataclass
class Builder(DesignBuilder):
    answers: Answers
    seed: str
    organization: Organization = field(init=False)
    decisions: list[Decision] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.organization = Organization(
            id=self.sid("organization", "organization"), name=self.answers.organization_name
        )

    def sid(self, kind: str, key: str) -> str:
        return stable_id("wizard", self.seed, kind, key)

    # -- decisions -------------------------------------------------------------------------------
    def decide(
        self,
        topic: str,
        choice: str,
        rationale: str,
        sources: Sequence[str],
        made: Sequence[object] = (),
    ) -> None:
        ids = list(dict.fromkeys(str(getattr(m, "id")) for m in made))  # noqa: B009
        self.decisions.append(
            Decision(
                topic=topic, choice=choice, rationale=rationale, sources=list(sources), entities=ids
            )
        )

    # -- nodes -----------------------------------------------------------------------------------
    def ou_id(self, name: str, parent: OrganizationalUnit | None) -> str:
        path = f"{self._ou_path(parent)}/{name}" if parent else name
        return self.sid("ou", path.casefold())

    def _ou_path(self, unit: OrganizationalUnit) -> str:
        names = [unit.name]
        parent = unit.parent
        while parent is not None:
            above = next(u for u in self.ous if u.id == parent)
            names.append(above.name)
            parent = above.parent
        return "/".join(reversed(names))

    def add_account(
        self,
        name: str,
        function: AccountFunction,
        purpose: str,
        *,
        parent: OrganizationalUnit | None,
        owner: str,
        business_unit: str,
        environment: Environment = Environment.NONE,
        sensitivity: DataSensitivity = DataSensitivity.RESTRICTED,
        iam_users: int = 0,
    ) -> Account:
        account = Account(
            id=self.sid("account", name.casefold()),
            name=name,
            email=self.email(name),
            functions=[function],
            environment=environment,
            business_unit=business_unit,
            owner=owner,
            purpose=purpose,
            data_sensitivity=sensitivity,
            tags={"Environment": environment.value, "Owner": owner},
            regions=list(self.answers.regions),
            parent=parent.id if parent else None,
            iam_user_count=iam_users,
            root_mfa=True,
            runs_workloads=function == AccountFunction.WORKLOAD,
        )
        self.accounts.append(account)
        return account

    def add_provider(self, provider: IdentityProvider) -> IdentityProvider:
        self.identity_providers.append(provider)
        return provider

    def email(self, name: str) -> str:
        """aws-<account>@<domain>, within the 64 characters AWS accepts: a long name is cut
        and given a digest of itself, so two long names never share an address."""
        domain = self.answers.email_domain
        local = f"aws-{slug(name)}"
        room = EMAIL_LIMIT - len(domain) - 1
        if len(local) > room:
            digest = hashlib.sha256(name.casefold().encode()).hexdigest()[:8]
            local = f"{local[: room - len(digest) - 1].rstrip('-')}-{digest}"
        return f"{local}@{domain}"

    # -- relationships (DesignBuilder's helpers, with ids of this design's seed) ---------------
    def rel_id(self, kind: str, source: str, target: str, detail: str = "") -> str:
        return self.sid("relationship", f"{kind}:{source}->{target}:{detail}")

    def billing_purpose(self, member: Account) -> str:
        return (
            f"Consolidated billing: the management account pays for {member.name} and charges "
            f"it to {member.business_unit}."
        )
