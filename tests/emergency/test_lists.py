"""The emergency reduction list: drafted by the enterprise, checked by the rules, approved by an
inspector; the districts' totals against the 10/20/30 % thresholds."""

from decimal import Decimal

import pytest

from emergency import selectors, services
from emergency.models import CheckMethod, ReductionList
from govern.errors import InvalidInput, PermissionDenied, TransitionConflict
from monitoring.models import MonitoringPoint
from tests import factories

from .conftest import NONE, STOP, approved_list, graded, line

pytestmark = pytest.mark.django_db


def submit(enterprise, lines):
    account = factories.enterprise_user(enterprise)
    draft = services.list_open(enterprise=enterprise, by=account)
    services.list_save(reduction_list=draft, lines=lines, note="", by=account)
    return draft, account


def refused(enterprise, lines) -> str:
    draft, account = submit(enterprise, lines)
    with pytest.raises(InvalidInput) as error:
        services.list_submit(reduction_list=draft, by=account)
    draft.refresh_from_db()
    assert draft.status == ReductionList.Status.DRAFT  # saved, not submitted
    assert draft.lines.count() == len(lines)  # nothing typed is lost
    return str(error.value.message)


def test_lines_that_do_not_add_up_to_the_emissions_are_refused():
    enterprise = graded("B", voc="10")
    message = refused(enterprise, [line(voc="6")])
    assert "add up to 6.000 t/a" in message or "6.000" in message
    assert "10.000" in message


def test_a_higher_level_cutting_less_than_a_lower_one_is_refused():
    enterprise = graded("B")
    message = refused(enterprise, [line(yellow=STOP, orange=("limit", 50), red=STOP)])
    assert "1号涂装线" in message
    assert "较高预警级别的减排力度不得低于较低级别" in message


def test_a_grade_c_list_cutting_less_than_the_red_threshold_is_refused():
    enterprise = graded("C", voc="10", nox="0", pm="0")
    message = refused(
        enterprise,
        [line(nox="0", pm="0", yellow=("limit", 95), orange=("limit", 90), red=("limit", 80))],
    )
    # yellow cuts 5 % (< 10), orange 10 % (< 20), red 20 % (< 30): all three named
    assert message.count("%") >= 3
    assert "20.0" in message and "30" in message


def test_a_grade_a_enterprise_sets_its_own_measures_and_is_only_warned():
    enterprise = graded("A", voc="10", nox="0", pm="0")
    draft, account = submit(enterprise, [line(nox="0", pm="0", yellow=NONE, orange=NONE, red=NONE)])
    check = services.list_check(reduction_list=draft)
    assert check.ok and len(check.warnings) == 3
    services.list_submit(reduction_list=draft, by=account)
    assert draft.__class__.objects.get(pk=draft.pk).status == ReductionList.Status.SUBMITTED


def test_a_monitoring_check_needs_the_enterprises_own_point():
    enterprise = graded("B")
    someone_else = factories.EnterpriseFactory()
    foreign = MonitoringPoint.objects.create(
        enterprise=someone_else, mn="QZX1", outlet="1#", st="31"
    )
    message = refused(enterprise, [line(check=CheckMethod.MONITORING, point=foreign)])
    assert "monitoring point" in message or "监测点" in message


def test_limit_without_a_percentage_is_refused_on_the_line():
    enterprise = graded("B")
    message = refused(enterprise, [line(yellow=("limit", None))])
    assert "yellow" in message or "黄色" in message


def test_approval_replaces_the_previous_list_and_a_return_needs_a_reason(inspector):
    enterprise = graded("B")
    first = approved_list(enterprise, inspector)
    assert first.status == ReductionList.Status.APPROVED
    account = factories.enterprise_user(enterprise, username="second")
    draft = services.list_open(enterprise=enterprise, by=account)
    assert draft.version == 2 and draft.lines.count() == 1  # copied from the approved one
    services.list_submit(reduction_list=draft, by=account)
    with pytest.raises(InvalidInput) as error:
        services.list_review(reduction_list=draft, approve=False, comment=" ", by=inspector)
    assert error.value.field == "comment"
    services.list_review(reduction_list=draft, approve=True, comment="", by=inspector)
    first.refresh_from_db()
    assert first.status == ReductionList.Status.SUPERSEDED
    assert selectors.approved_list(enterprise_id=enterprise.pk).pk == draft.pk


def test_an_enterprise_cannot_edit_another_enterprises_list_or_approve_its_own(inspector):
    enterprise = graded("B")
    draft, account = submit(enterprise, [line()])
    other = factories.enterprise_user(factories.EnterpriseFactory(), username="other")
    with pytest.raises(PermissionDenied):
        services.list_save(reduction_list=draft, lines=[line()], note="", by=other)
    services.list_submit(reduction_list=draft, by=account)
    with pytest.raises(PermissionDenied):
        services.list_review(reduction_list=draft, approve=True, comment="", by=account)
    with pytest.raises(TransitionConflict):
        services.list_save(reduction_list=draft, lines=[line()], note="", by=account)


def test_district_totals_against_the_thresholds_name_who_falls_short(inspector):
    # 晋江: 100 t/a VOCs in all. The big emitter stops everything at red; the other has no list.
    big = graded("B", voc="70", nox="0", pm="0")
    approved_list(
        big,
        inspector,
        [line(voc="70", nox="0", pm="0", yellow=("limit", 90), orange=("limit", 80), red=STOP)],
    )
    small = graded("C", voc="30", nox="0", pm="0")
    cuts = {c.district.code: c for c in selectors.district_cuts()}
    jinjiang = cuts["jinjiang"]
    assert jinjiang.emissions["voc"] == Decimal("100")
    assert jinjiang.pct("yellow", "voc") == Decimal("7.0")  # 10 % of 70 = 7 of 100: short
    assert jinjiang.pct("orange", "voc") == Decimal("14.0")  # short of 20 %
    assert jinjiang.pct("red", "voc") == Decimal("70.0")  # meets 30 %
    assert ("yellow", "voc") in jinjiang.short and ("red", "voc") not in jinjiang.short
    short = selectors.shortfall_enterprises(
        district_id=big.district_id, level="orange", pollutant="voc"
    )
    assert [row["enterprise"].pk for row in short] == [small.pk]  # 6 t missing; big meets 20 %
    assert short[0]["has_list"] is False
