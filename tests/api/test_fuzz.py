"""Schemathesis against the OpenAPI schema on a live server: no 5xx, no response that breaks the schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from enterprises.models import State
from tests import factories

EXAMPLES_PER_OPERATION = 12


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_api_never_fails_or_breaks_its_schema(live_server, settings_override_media):
    manager = factories.manager_user()
    for state in (State.REGISTERED, State.GRADED, State.RELOCATING):
        factories.EnterpriseFactory(state=state, tier="" if state == State.REGISTERED else "C")
    headers = {"Authorization": f"Token {Token.objects.create(user=manager).key}"}
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


@pytest.fixture
def settings_override_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
