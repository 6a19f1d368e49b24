"""What the import read, what it could not, what it inferred, and the principals it met outside
the organization."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from designer.live.read import Gap, Organization
from designer.live.read_account import AccountScan, Bucket
from designer.model import OutsidePrincipal, stable_id
from designer.model.vocabulary import OUTSIDE_IDENTIFIERS, OutsideKind

ANYONE = "*"  # the identifier of the public


def live_id(*parts: str) -> str:
    return stable_id("live", *parts)


__all__ = ["ANYONE", "Gap", "Inference", "Outsiders", "Read", "live_id"]


@dataclass(frozen=True)
class Inference:
    """A function the import gave an account, and the evidence it rests on (the report lists
    each, so the architect can check them)."""

    account: str  # AWS account id
    function: str  # an AccountFunction value
    evidence: str


@dataclass
class Read:
    organization: Organization
    scans: dict[str, AccountScan] = field(default_factory=dict)  # by AWS account id
    buckets: dict[str, Bucket] = field(default_factory=dict)  # by name
    bucket_owner: dict[str, str] = field(default_factory=dict)  # name -> AWS account id
    gaps: list[Gap] = field(default_factory=list)
    inferences: list[Inference] = field(default_factory=list)  # filled by build_design

    def make(self, model: Any, owner: str | None, what: str, /, **fields: Any) -> Any:
        """The model, or None and a gap when AWS holds a value the design cannot (a legacy
        bucket name with capitals, say)."""
        try:
            return model(**fields)
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"])
            self.gaps.append(Gap(owner, what, f"not shown: {where}: {error['msg']}"))
            return None


class Outsiders:
    """The outside principals met so far: one per identifier (account id, organization id,
    service principal, or the public), with an id derived from it."""

    def __init__(self, read: Read) -> None:
        self.read = read
        self.found: dict[tuple[OutsideKind, str], OutsidePrincipal] = {}

    def get(self, kind: OutsideKind, identifier: str, owner: str | None, what: str) -> str | None:
        """The design id of that principal; None (and a gap) when the design cannot hold it."""
        key = (kind, identifier)
        if key not in self.found:
            name = {
                OutsideKind.EXTERNAL_ACCOUNT: f"External account {identifier}",
                OutsideKind.PARTNER_ORGANIZATION: f"Partner organization {identifier}",
                OutsideKind.SERVICE: identifier,
                OutsideKind.ANYONE: "Anyone (public)",
            }[kind]
            field = OUTSIDE_IDENTIFIERS[kind]
            fields = {field: identifier} if field else {}
            principal = self.read.make(
                OutsidePrincipal,
                owner,
                what,
                id=live_id("outside", str(kind), identifier),
                name=name[:200],
                kind=kind,
                **fields,
            )
            if principal is None:
                return None
            self.found[key] = principal
        return self.found[key].id

    def all(self) -> list[OutsidePrincipal]:
        order = list(OutsideKind)
        return sorted(self.found.values(), key=lambda p: (order.index(p.kind), p.name))
