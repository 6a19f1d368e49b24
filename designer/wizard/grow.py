"""Growing a design by answering again: a three-way merge of what the wizard made before, what
it would make now, and the design as the architect has since edited it.

Both earlier and new structures are rebuilt from their answers with the design's id as seed,
so the same thing has the same id in both. Only what the changed answers change is touched:
- new things are added; things no longer called for are removed, unless the architect edited
  them or drew something of their own that hangs on them;
- a field is updated only where the architect left the wizard's earlier value in place;
- anything the architect deleted stays deleted.
Every thing kept against the answers is reported in one line, so nothing is silently lost.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from designer.core.document import Document
from designer.model import Account, Design, DesignError, OrganizationalUnit
from designer.model.answers import Answers
from designer.model.catalog import COLLECTIONS
from designer.model.decisions import Decision
from designer.wizard.build import build_design
from designer.wizard.questions import QUESTIONS, answer_text, question

# Created parents first: SCPs before the OUs they are attached to, OUs before their accounts,
# accounts before their buckets, and relationships last.
ADD_ORDER = (
    "service_control_policies",
    "organizational_units",
    "accounts",
    "identity_providers",
    "outside_principals",
    "log_buckets",
    "relationships",
)
PARENT_FIELDS = ("parent", "source", "target", "account", "bucket", "home_account", "administers")


@dataclass(frozen=True)
class Add:
    entity: Any


@dataclass(frozen=True)
class Update:
    entity_id: str
    changes: dict[str, Any]


@dataclass(frozen=True)
class SetUsagePolicy:
    changes: dict[str, Any]


@dataclass(frozen=True)
class Remove:
    entity_id: str


@dataclass(frozen=True)
class SetAnswers:
    answers: Answers
    decisions: list[Decision]


Step = Add | Update | SetUsagePolicy | Remove | SetAnswers


@dataclass
class Growth:
    """The edits that take a design from its answers to new ones, as one step."""

    answers: Answers
    decisions: list[Decision]
    changed: list[str] = field(default_factory=list)  # keys of the answers that changed
    adds: list[Any] = field(default_factory=list)
    removes: list[str] = field(default_factory=list)
    updates: dict[str, dict[str, Any]] = field(default_factory=dict)
    usage_policy: dict[str, Any] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)  # one line per thing left as the architect has it

    def steps(self) -> list[Step]:
        """The edits in the order that keeps every step valid: additions first (what moves
        may move into them), then updates (moving things out of what goes), then removals
        (which take along whatever is still inside), the answers last."""
        steps: list[Step] = [Add(e) for e in self.adds]
        steps += [Update(i, c) for i, c in self.updates.items()]
        if self.usage_policy:
            steps.append(SetUsagePolicy(self.usage_policy))
        steps += [Remove(i) for i in self.removes]
        steps.append(SetAnswers(self.answers, self.decisions))
        return steps

    @property
    def empty(self) -> bool:
        return not (self.adds or self.removes or self.updates or self.usage_policy)

    def summary(self, design: Design) -> list[str]:
        """What will change, one line each, for the wizard's last page and the command line."""
        current = _index(design)
        everything = {**current, **{e.id: e for e in self.adds}}
        names = {i: _path(e, everything) for i, e in everything.items()}
        names[design.organization.id] = design.organization.name
        lines = [
            f"{len(self.adds)} to add, {len(self.removes)} to remove, "
            f"{len(self.updates) + bool(self.usage_policy)} to change, {len(self.kept)} kept"
        ]
        lines += [f"add {_described(e, names, everything)}" for e in self.adds]
        lines += [
            f"remove {_described(current[i], names, everything)}"
            for i in self.removes
            if i in current
        ]
        for entity_id, changes in self.updates.items():
            entity = current.get(entity_id)
            what = (
                _described(entity, names, everything) if entity is not None else "the organization"
            )
            said = ", ".join(_field_words(n, v, names) for n, v in changes.items())
            lines.append(f"change {what}: {said}")
        if self.usage_policy:
            said = ", ".join(_field_words(n, v, names) for n, v in self.usage_policy.items())
            lines.append(f"change the usage policy: {said}")
        lines += [f"keep {k}" for k in self.kept]
        return lines


def changed_questions(old: Answers, new: Answers) -> list[str]:
    return [q.key for q in QUESTIONS if getattr(old, q.key) != getattr(new, q.key)]


def describe_changes(old: Answers, new: Answers) -> list[str]:
    """'<prompt>: <old> -> <new>' per changed answer."""
    return [
        f"{question(k).prompt} {answer_text(getattr(old, k))} -> {answer_text(getattr(new, k))}"
        for k in changed_questions(old, new)
    ]


def plan_growth(design: Design, answers: Answers) -> Growth:
    """The growth from the design's stored answers to `answers`; DesignError for a design the
    wizard did not make (there is nothing to tell its own work from the architect's)."""
    before = design.answers
    if before is None:
        raise DesignError(
            f"{design.name!r} was not made by the new-design wizard, so it cannot be grown by "
            "answering again; start a new design with the wizard instead"
        )
    old = build_design(before, design.id)
    new = build_design(answers, design.id)
    growth = Growth(answers=answers, decisions=list(new.decisions))
    growth.changed = changed_questions(before, answers)
    current = _index(design)
    was = _index(old)
    wanted = _index(new)
    _removals(growth, design, current, was, wanted)
    _additions(growth, new, current, was)
    for entity_id, entity in wanted.items():
        if entity_id in was:
            _merge_fields(growth, current.get(entity_id), was[entity_id], entity)
    _merge_fields(growth, design.organization, old.organization, new.organization)
    growth.usage_policy = _changed_fields(design.usage_policy, old.usage_policy, new.usage_policy)
    return growth


def apply_growth(document: Document, growth: Growth) -> None:
    """Make the growth's edits on a document, all or none (the command line, the tests; the
    editor makes the same steps as undo commands)."""
    with document.batch():
        for step in growth.steps():
            if isinstance(step, Add):
                document.add(step.entity)
            elif isinstance(step, Update):
                if document.has(step.entity_id):
                    document.update(step.entity_id, **step.changes)
            elif isinstance(step, SetUsagePolicy):
                document.set_usage_policy(**step.changes)
            elif isinstance(step, Remove):
                if document.has(step.entity_id):  # an earlier removal may have taken it along
                    document.remove(step.entity_id)
            else:
                document.set_answers(step.answers, step.decisions)


def _index(design: Design) -> dict[str, Any]:
    return {e.id: e for name in COLLECTIONS.values() for e in getattr(design, name)}


def _removals(
    growth: Growth,
    design: Design,
    current: dict[str, Any],
    was: dict[str, Any],
    wanted: dict[str, Any],
) -> None:
    candidates = {i for i in was if i not in wanted and i in current}
    edited = {i for i in candidates if current[i] != was[i]}
    for entity_id in sorted(edited, key=lambda i: _label(current[i])):
        growth.kept.append(f"{_label(current[entity_id])} (edited since the wizard made it)")
    removing = candidates - edited
    holders = _holders(design)
    changed = True
    while changed:  # a thing with something of the architect's hanging on it stays
        changed = False
        for entity_id in sorted(removing):
            entity = current[entity_id]
            own = [h for h in holders.get(entity_id, ()) if h not in removing and h not in wanted]
            own.sort(key=lambda h: h in was)  # name the architect's own first
            if own:
                whose = "which stays" if own[0] in was else "which you added"
                growth.kept.append(
                    f"{_label(entity)} (it holds {_label(current[own[0]])}, {whose})"
                )
            # an account kept against the answers is still paid for; its other
            # relationships follow the answers
            billed = getattr(entity, "kind", "") == "billing" and entity.target not in removing
            if own or billed:
                removing.discard(entity_id)
                changed = True
    growth.removes = [
        e.id for name in ADD_ORDER[::-1] for e in getattr(design, name) if e.id in removing
    ]


def _additions(growth: Growth, new: Design, current: dict[str, Any], was: dict[str, Any]) -> None:
    """What the new answers call for that the design lacks, parents first; not what would join
    something the architect deleted (said in one line instead)."""
    present = {*current, new.organization.id}
    taken = _taken_names(current)
    skipped: dict[str, str] = {}
    for name in ADD_ORDER:
        for entity in getattr(new, name):
            if entity.id in was or entity.id in current:
                continue
            gone = [r for r in _refs(entity, lists=True) if r not in present]
            if gone and gone[0] in skipped:
                why = f"it joins {skipped[gone[0]]}, which is not added"
            elif gone:
                what = _label(was[gone[0]]) if gone[0] in was else "something no longer there"
                why = f"it joins {what}, which you deleted"
            else:
                why = _clash(entity, taken)
            if why:
                growth.kept.append(f"not added: {_label(entity)} ({why})")
                skipped[entity.id] = _label(entity)
                continue
            growth.adds.append(entity)
            present.add(entity.id)


def _taken_names(current: dict[str, Any]) -> dict[str, str]:
    """Account names and e-mail addresses in the design (AWS wants each e-mail once; two
    accounts of one name would be told apart by no one), folded, to the account's name."""
    taken: dict[str, str] = {}
    for entity in current.values():
        if isinstance(entity, Account):
            taken[entity.name.casefold()] = entity.name
            if entity.email:
                taken[entity.email.casefold()] = entity.name
    return taken


def _clash(entity: Any, taken: dict[str, str]) -> str:
    if not isinstance(entity, Account):
        return ""
    for value in (entity.name, entity.email or ""):
        holder = taken.get(value.casefold())
        if holder is not None:
            return f"account {holder!r} already has its name or e-mail address"
    return ""


def _holders(design: Design) -> dict[str, list[str]]:
    """For each id, the entities that would go with it (they name it as parent, end, owner)."""
    found: dict[str, list[str]] = {}
    for name in COLLECTIONS.values():
        for entity in getattr(design, name):
            for ref in _refs(entity):
                found.setdefault(ref, []).append(entity.id)
    return found


def _refs(entity: Any, lists: bool = False) -> Iterator[str]:
    """The ids `entity` names as its parent, ends, owner or bucket (and, with `lists`, the SCPs
    attached to it and the accounts it excludes)."""
    for name in PARENT_FIELDS:
        value = getattr(entity, name, None)
        if isinstance(value, str):
            yield value
    if lists:
        for name in ("scps", "excluded_accounts"):
            yield from getattr(entity, name, ())


def _merge_fields(growth: Growth, current: Any, was: Any, new: Any) -> None:
    if current is None or was == new:
        return  # deleted by the architect (stays deleted), or nothing to change
    changes = _changed_fields(current, was, new)
    if changes:
        growth.updates[new.id] = changes
    skipped = [
        n for n in type(new).model_fields
        if getattr(was, n) != getattr(new, n) and getattr(current, n) != getattr(was, n)
    ]  # fmt: skip
    if skipped:
        growth.kept.append(
            f"{_label(current)}: {', '.join(skipped)} (edited since the wizard set it)"
        )


def _changed_fields(current: Any, was: Any, new: Any) -> dict[str, Any]:
    """Fields the answers change and the architect left as the wizard set them."""
    return {
        n: getattr(new, n)
        for n in type(new).model_fields
        if getattr(was, n) != getattr(new, n) and getattr(current, n) == getattr(was, n)
    }


KIND_WORDS = {
    "Account": "account",
    "OrganizationalUnit": "OU",
    "IdentityProvider": "identity provider",
    "OutsidePrincipal": "third party",
    "LogBucket": "log bucket",
    "ServiceControlPolicy": "SCP",
}


# How a changed field reads in the summary; a field not listed reads as its name in words.
FIELD_WORDS = {
    "ou_requirements": "what it asks of each OU",
    "min_log_retention_days": "log retention",
    "allowed_regions": "Regions",
    "service_principals": "delegated services",
    "root_scps": "SCPs at the root",
    "scps": "SCPs",
    "log_types": "log types",
    "mapped_roles": "roles",
    "permission_sets": "permission sets",
}


def _field_words(name: str, value: Any, names: dict[str, str]) -> str:
    if name == "parent":
        return f"moves to OU {names[value]}" if value in names else "moves to the root"
    return FIELD_WORDS.get(name, name.replace("_", " "))


def _name(entity: Any) -> str:
    return str(getattr(entity, "name", None) or getattr(entity, "role_name", None) or "")


def _label(entity: Any) -> str:
    """'account Backup', 'OU Suspended', 'trust SecurityAudit'."""
    word = KIND_WORDS.get(type(entity).__name__) or str(getattr(entity, "kind", "item"))
    name = _name(entity)
    return f"{word} {name}" if name else word


def _path(entity: Any, everything: dict[str, Any]) -> str:
    """An OU's path (three "Cards" OUs are told apart), any other entity's name."""
    if not isinstance(entity, OrganizationalUnit):
        return _name(entity)
    names, parent = [entity.name], entity.parent
    while parent in everything:
        names.append(everything[parent].name)
        parent = everything[parent].parent
    return "/".join(reversed(names))


def _described(entity: Any, names: dict[str, str], everything: dict[str, Any]) -> str:
    """An entity for a person: its kind and name (an OU by its path); a relationship with the
    names of its ends."""
    source = getattr(entity, "source", None)
    if source is None:
        word = KIND_WORDS.get(type(entity).__name__) or str(getattr(entity, "kind", "item"))
        return f"{word} {_path(entity, everything)}"
    ends = f"{names.get(source, source)} -> {names.get(entity.target, entity.target)}"
    return f"{_label(entity)}: {ends}"
