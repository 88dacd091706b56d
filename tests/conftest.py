import pytest

from tests import factories


@pytest.fixture
def manager(db):
    return factories.manager_user(username="mgr")


@pytest.fixture
def inspector(db):
    return factories.inspector_user(username="insp")


@pytest.fixture
def enterprise(db):
    return factories.EnterpriseFactory()


@pytest.fixture
def enterprise_account(enterprise):
    return factories.enterprise_user(enterprise, username="ent")


@pytest.fixture
def client_for(client):
    """A test client logged in as the given user."""

    def login(user):
        client.force_login(user)
        return client

    return login
