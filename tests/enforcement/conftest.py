from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from enforcement import services
from enterprises.models import State
from govern import clock
from inspections import services as inspection_services
from inspections.models import SiteVisit
from tests import factories


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def at(day: date, hour: int = 10):
    return clock.at(timezone.make_aware(datetime(day.year, day.month, day.day, hour)))


@pytest.fixture
def officers(db):
    first = factories.inspector_user(username="officer1", first_name="一", last_name="李")
    second = factories.inspector_user(username="officer2", first_name="二", last_name="王")
    third = factories.inspector_user(username="officer3", first_name="三", last_name="张")
    for user in (first, second, third):
        factories.officer(user)
    return first, second, third


@pytest.fixture
def enterprise(db):
    return factories.EnterpriseFactory(state=State.GRADED, tier="D", name="泉州某涂装有限公司")


def serious_visit(enterprise, first, second, day: date | None = None):
    """A submitted visit that found serious violations (referred for enforcement)."""
    with at(day or clock.today() - timedelta(days=1)):
        visit = inspection_services.visit_start(
            enterprise=enterprise, inspectors=[second], by=first
        )
        results = {r.pk: ("fail", "VOCs废气未经收集直排") for r in visit.results.all()}
        inspection_services.visit_record(
            visit=visit,
            results=results,
            conclusion=SiteVisit.Conclusion.SERIOUS,
            conclusion_text="治理设施未运行，废气直排。",
            by=first,
        )
        return inspection_services.visit_submit(visit=visit, by=first)


def open_case(enterprise, first, second, *, day: date | None = None, by=None):
    visit = serious_visit(enterprise, first, second, day=(day - timedelta(days=1)) if day else None)
    with at(day or clock.today()):
        return services.case_open(
            enterprise=enterprise,
            visit=visit,
            facts="2026年检查发现治理设施未运行，VOCs废气直排。",
            legal_basis="《中华人民共和国大气污染防治法》第四十五条",
            officers=[first, second],
            by=by or first,
        )


def to_notice(case, manager, *, served_on: date, hearing_right=False, fine="100000"):
    with at(served_on):
        services.case_submit_review(
            case=case,
            proposed_fine=fine,
            penalty_basis="《中华人民共和国大气污染防治法》第一百零八条",
            by=manager,
        )
        return services.case_serve_advance_notice(
            case=case, served_on=served_on, hearing_right=hearing_right, by=manager
        )
