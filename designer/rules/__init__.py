"""Best-practice validation of a design: the engine, its rule catalogue and report formats."""

from designer.rules.engine import Category, Finding, Report, Rule, Severity
from designer.rules.registry import all_rules
from designer.rules.runner import Step, apply_waivers, validate, validate_in_steps

__all__ = [
    "Category",
    "Finding",
    "Report",
    "Rule",
    "Severity",
    "Step",
    "all_rules",
    "apply_waivers",
    "validate",
    "validate_in_steps",
]
