"""Roles that IAM Identity Center creates from permission sets.

Identity Center names such a role AWSReservedSSO_<permission set>_<random suffix> under the path
aws-reserved/sso.amazonaws.com/ (plus the Region since 2024), so a trust policy cannot name it in
Principal: it trusts the account and matches aws:PrincipalArn with ArnLike instead.
"""

from __future__ import annotations

from designer.model import Design
from designer.model.vocabulary import IdentityProviderKind


def identity_center_roles(design: Design) -> set[tuple[str, str]]:
    """(account id, name) of every role Identity Center creates from the design's federation."""
    centers = {
        i.id for i in design.identity_providers if i.kind == IdentityProviderKind.IDENTITY_CENTER
    }
    return {
        (rel.target, role)
        for rel in design.relationships
        if rel.kind == "federation" and rel.source in centers
        for role in [*rel.mapped_roles, *rel.permission_sets]
    }


def reserved_role_resource(permission_set: str) -> str:
    """What follows 'arn:<partition>:iam::<account>:' in an ArnLike pattern for a permission
    set's role (tokens.arn("iam", reserved_role_resource(name), account=...))."""
    return f"role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_{permission_set}_*"
