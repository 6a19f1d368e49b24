"""A design whose user text holds everything that breaks naive writers of text formats."""

from __future__ import annotations

from designer.model import Design
from designer.model.templates import load_template

# Markup, quotes, entities, line breaks, non-Latin scripts, CDATA / comment ends, DOT escapes,
# Markdown table and code characters.
HOSTILE = (
    '<script>alert("x")</script> & "quotes" \'apos\' a\nnewline Zürich ☃ 日本 '
    "]]> --> <!-- {braces} [br] \\N \\G |pipe| `tick` &amp;"
)


def hostile_design() -> Design:
    """The reference landing zone with hostile names, descriptions and purposes everywhere."""
    design = load_template("reference-landing-zone")

    def named(entities: list, label: str) -> list:  # type: ignore[type-arg]
        return [
            e.model_copy(update={"name": f"{label} {n} {HOSTILE}"}) for n, e in enumerate(entities)
        ]

    return Design.model_validate(
        {
            **design.model_dump(),
            "name": f"Design {HOSTILE}",
            "description": f"About {HOSTILE}\n\nSecond paragraph {HOSTILE}",
            "organization": design.organization.model_copy(update={"name": f"Org {HOSTILE}"}),
            "organizational_units": named(design.organizational_units, "OU"),
            "accounts": named(design.accounts, "Account"),
            "identity_providers": named(design.identity_providers, "IdP"),
            "outside_principals": named(design.outside_principals, "Vendor"),
            "relationships": [
                r.model_copy(update={"purpose": f"Why {HOSTILE}"}) for r in design.relationships
            ],
        }
    )


def hostile_names(design: Design) -> list[str]:
    """Every account name of the design (what each picture and document must show)."""
    return [a.name for a in design.accounts]
