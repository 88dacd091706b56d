"""Schemathesis against the OpenAPI schema on a live server, as each role: no 5xx, no response that
breaks the schema, whatever the input (odd ids, huge numbers, unicode, nulls)."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from enterprises.models import State
from tests import factories

# Enough to find a bad id or an overflowing number on each operation; CI may raise it.
EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES", "20"))


def _world():
    """Something of each kind for the generated requests to hit: enterprises in several states."""
    enterprises = [
        factories.EnterpriseFactory(state=state, tier="" if state == State.REGISTERED else "C")
        for state in (State.REGISTERED, State.GRADED, State.RELOCATING)
    ]
    return {
        "manager": factories.manager_user(),
        "inspector": factories.inspector_user(),
        "enterprise": factories.enterprise_user(enterprises[1]),
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("role", ["manager", "inspector", "enterprise"])
def test_api_never_fails_or_breaks_its_schema(role, live_server, settings_override_media):
    user = _world()[role]
    headers = {"Authorization": f"Token {Token.objects.create(user=user).key}"}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            case.call_and_validate(
                headers=headers, checks=[not_a_server_error, response_schema_conformance]
            )

        try:
            run()
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - try every operation, report all
            failures.append(f"{operation.label}: {str(error)[:600]}")
    assert operations > 50
    assert not failures, "\n\n".join(failures)


@pytest.mark.django_db
def test_non_numeric_ids_are_404_on_every_api_route(client):
    """Ids like those tried in the attack (abc, null, 中, 1.5, 20 digits) never reach a view."""
    from django.urls import get_resolver

    manager = factories.manager_user()
    client.force_login(manager)
    patterns = set()
    for pattern in get_resolver("api.urls").url_patterns[0].url_patterns:
        route = str(pattern.pattern)
        if "(?P<pk>" in route:
            patterns.add(route)
    assert len(patterns) > 20
    for bad in ("abc", "null,null", "中", "1.5", "99999999999999999999", "-1", "1e3"):
        for route in patterns:
            path = "/api/" + route.replace("^", "").replace("$", "").replace(
                "\\.(?P<format>[a-z0-9]+)/?", ""
            )
            path = path.split("(?P<pk>")[0] + bad + path.split(")", 1)[1].split("(?P<pk>")[0]
            response = (
                client.post(path) if path.endswith(("read/", "download/")) else client.get(path)
            )
            assert response.status_code in (404, 405), (path, response.status_code)


@pytest.fixture
def settings_override_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
