"""The domain model: pydantic entities, design files and their checks (no Qt here)."""

from designer.model.catalog import EntityKind, EntityRef, index_entities
from designer.model.design import FORMAT_VERSION, Design
from designer.model.errors import DesignError, DesignFileError, Problem
from designer.model.fileformat import (
    design_schema,
    dumps_design,
    load_design,
    parse_design,
    save_design,
)
from designer.model.governance import (
    Layout,
    LogBucket,
    NodeLayout,
    ObjectLock,
    ServiceControlPolicy,
    UsagePolicy,
    Waiver,
)
from designer.model.ids import new_id, stable_id
from designer.model.integrity import check_design
from designer.model.nodes import (
    Account,
    IdentityProvider,
    Organization,
    OrganizationalUnit,
    OutsidePrincipal,
)
from designer.model.relationships import (
    BillingRelationship,
    DelegatedAdminRelationship,
    FederationRelationship,
    LogDeliveryRelationship,
    Relationship,
    ResourceShareRelationship,
    TrustRelationship,
)

__all__ = [
    "FORMAT_VERSION",
    "Account",
    "BillingRelationship",
    "DelegatedAdminRelationship",
    "Design",
    "DesignError",
    "DesignFileError",
    "EntityKind",
    "EntityRef",
    "FederationRelationship",
    "IdentityProvider",
    "Layout",
    "LogBucket",
    "LogDeliveryRelationship",
    "NodeLayout",
    "ObjectLock",
    "Organization",
    "OrganizationalUnit",
    "OutsidePrincipal",
    "Problem",
    "Relationship",
    "ResourceShareRelationship",
    "ServiceControlPolicy",
    "TrustRelationship",
    "UsagePolicy",
    "Waiver",
    "check_design",
    "design_schema",
    "dumps_design",
    "index_entities",
    "load_design",
    "new_id",
    "parse_design",
    "save_design",
    "stable_id",
]
