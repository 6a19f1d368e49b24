"""The read-only guard is an allow-list: each allowed call is a read in botocore's own service
models, credential-minting Get* calls are refused, and a real import needs nothing else."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest

from designer.live.aws import Connection
from designer.live.guard import ALLOWED, WriteRefused, is_read_only, read_only_session
from designer.live.importer import import_organization
from tests.live.conftest import KEYS, LiveOrg

READ_PREFIXES = ("List", "Describe", "Get")
REST_PROTOCOLS = ("rest-json", "rest-xml")
# The one credential call the import exists to make: into each member account, read-only there.
ASSUME_ROLE = ("sts", "AssumeRole")
# Documented reads that REST services still send as POST (their filters go in the body).
POST_READS = frozenset({("ram", "GetResourceShares"), ("ram", "GetResourceShareAssociations")})
# Documented Get* operations that mint credentials or change state.
UNSAFE_GETS = frozenset(
    {
        ("cognito-identity", "GetId"),
        ("cognito-identity", "GetCredentialsForIdentity"),
        ("cognito-identity", "GetOpenIdToken"),
        ("cognito-identity", "GetOpenIdTokenForDeveloperIdentity"),
        ("redshift", "GetClusterCredentials"),
        ("redshift", "GetClusterCredentialsWithIAM"),
        ("redshift-serverless", "GetCredentials"),
        ("ecr", "GetAuthorizationToken"),
        ("ecr-public", "GetAuthorizationToken"),
        ("codeartifact", "GetAuthorizationToken"),
        ("sso", "GetRoleCredentials"),
        ("sts", "GetSessionToken"),
        ("sts", "GetFederationToken"),
        ("lightsail", "GetInstanceAccessDetails"),
        ("iot", "GetRegistrationCode"),
    }
)

_botocore = botocore.session.get_session()


def _operation(service: str, operation: str) -> Any:
    return _botocore.get_service_model(service).operation_model(operation)


@pytest.mark.parametrize(("service", "operation"), sorted(ALLOWED))
def test_every_allowed_call_exists_and_is_a_read(service: str, operation: str) -> None:
    model = _operation(service, operation)  # raises if botocore has no such operation
    assert model.name == operation
    assert (service, operation) not in UNSAFE_GETS
    if (service, operation) == ASSUME_ROLE:
        return
    assert operation.startswith(READ_PREFIXES)
    if model.service_model.protocol in REST_PROTOCOLS:
        method = model.http.get("method")
        assert method in ("GET", "HEAD") or (service, operation) in POST_READS, method


@pytest.mark.parametrize(("service", "operation"), sorted(UNSAFE_GETS))
def test_credential_minting_gets_are_not_allowed(service: str, operation: str) -> None:
    assert _operation(service, operation).name == operation  # the list names real operations
    assert not is_read_only(service, operation)


POOL = "us-east-1:00000000-0000-0000-0000-000000000000"


@pytest.mark.parametrize(
    ("service", "call", "operation", "kwargs"),
    [
        ("cognito-identity", "get_id", "GetId", {"IdentityPoolId": POOL}),
        ("sts", "get_session_token", "GetSessionToken", {}),
    ],
)
def test_a_guarded_client_refuses_a_credential_minting_get_before_it_is_sent(
    service: str, call: str, operation: str, kwargs: dict[str, str]
) -> None:
    session = read_only_session(region_name="us-east-1", **KEYS)
    # nothing listens on port 9: a request that was sent would fail another way
    client = session.client(service, endpoint_url="http://127.0.0.1:9")
    sent: list[Any] = []
    client.meta.events.register("before-send", lambda request, **_: sent.append(request))
    refusal = f"^refused {service}:{operation}: the import only reads$"
    with pytest.raises(WriteRefused, match=refusal):
        getattr(client, call)(**kwargs)
    assert sent == []


@pytest.mark.live
def test_a_real_import_is_refused_nothing(live_org: LiveOrg) -> None:
    session = live_org.session()
    called: set[tuple[str, str]] = set()

    def record(model: Any, **_: Any) -> None:  # registered first: sees calls the guard refuses
        called.add((model.service_model.service_name, model.name))

    session.events.register("before-call", record)
    design, report = import_organization(Connection(endpoint_url=live_org.url), session=session)
    assert design.accounts
    assert not [g for g in report.gaps if "refused" in g.reason], report.gaps
    assert called - ALLOWED == set()
    # every read the import is known to make was made, so the list is measured, not guessed
    assert ALLOWED - called <= {("sts", "GetCallerIdentity")}
