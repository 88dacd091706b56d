"""The notification centre: paged, filtered by read state, level and words; bad parameters ignored."""

import pytest
from django.urls import reverse

from govern.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db


def fill(user, n: int, **fields):
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            key=f"k{fields.get('level', 'info')}{i}",
            title=fields.get("title", f"提醒第{i}条"),
            level=fields.get("level", "info"),
        )
        for i in range(n)
    )


def test_seventy_notifications_come_thirty_to_a_page(client, inspector):
    fill(inspector, 70)
    client.force_login(inspector)
    page = client.get(reverse("notifications")).content.decode()
    assert page.count('class="card notification') == 30
    assert "1 / 3" in page and "page=2" in page
    last = client.get(reverse("notifications") + "?page=3").content.decode()
    assert last.count('class="card notification') == 10


def test_filters_by_unread_level_and_words(client, inspector):
    fill(inspector, 5, level="escalation", title="逾期整改：晋江某鞋业")
    fill(inspector, 4, level="reminder", title="到期提醒：石狮某印务")
    Notification.objects.filter(recipient=inspector, level="reminder").update(
        read_at="2026-11-01T00:00Z"
    )
    client.force_login(inspector)
    url = reverse("notifications")
    assert client.get(url + "?state=unread").content.decode().count('class="card notification') == 5
    assert (
        client.get(url + "?level=reminder").content.decode().count('class="card notification') == 4
    )
    page = client.get(url + "?q=石狮 印务").content.decode()
    assert page.count('class="card notification') == 4 and 'value="石狮 印务"' in page
    # Nonsense in the address is ignored, never a 500.
    for query in ("?level=bogus", "?page=abc", "?page=99999", "?state=%00"):
        assert client.get(url + query).status_code == 200


def test_the_centre_shows_only_ones_own(client, inspector):
    other = factories.inspector_user(username="other-n")
    fill(other, 3, title="别人的通知")
    client.force_login(inspector)
    assert "别人的通知" not in client.get(reverse("notifications")).content.decode()
