"""What an import could not read: rules that would judge an unread fact stay silent about it.

An imported design marks what the import could not read (Account.unread, LogBucket.unread,
Organization.unread): the fact is unknown, and its field holds only a default (0 IAM users, no
root MFA, no Object Lock...). A rule asks `known` before judging such a field, so an access
denied never becomes a finding. A planned design has nothing unread: every fact is known.
"""

from __future__ import annotations

from typing import Any

from designer.model.vocabulary import LogType, Unread

# Nothing inside an account was read: every fact read inside it is unknown (its tags come from
# the organization, not from inside the account).
INSIDE = frozenset(
    {Unread.IAM, Unread.ROOT_USER, Unread.CLOUDTRAIL, Unread.CONFIG, Unread.BUCKETS, Unread.SHARES}
)
LOG_FACTS = {LogType.CLOUDTRAIL: Unread.CLOUDTRAIL, LogType.CONFIG: Unread.CONFIG}


def unread(entity: Any) -> frozenset[Unread]:
    """The facts of an account, log bucket or organization the import could not read."""
    facts = frozenset(getattr(entity, "unread", ()) or ())
    return facts | INSIDE if Unread.CONTENTS in facts else facts


def known(entity: Any, *facts: Unread) -> bool:
    """Every one of `facts` of the entity was read (always true in a planned design)."""
    return not unread(entity).intersection(facts)


def unknown_logs(account: Any) -> frozenset[LogType]:
    """The log types whose delivery from the account is unknown (its trails or Config channels
    were not read)."""
    facts = unread(account)
    return frozenset(t for t, fact in LOG_FACTS.items() if fact in facts)
