"""Best-practice validation of a design: the engine, its rule catalogue and report formats."""

from designer.rules.engine import Category, Finding, Report, Rule, Severity
from designer.rules.registry import all_rules
from designer.rules.runner import validate

__all__ = ["Category", "Finding", "Report", "Rule", "Severity", "all_rules", "validate"]
