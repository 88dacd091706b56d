from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from emergency import services
from emergency.models import CheckMethod, Measure, ReductionList
from enterprises.models import District
from tests import factories


def graded(grade: str, *, district: str = "jinjiang", voc="10", nox="2", pm="1", **kwargs):
    return factories.EnterpriseFactory(
        district=District.objects.get(code=district),
        performance_grade=grade,
        performance_graded_on=timezone.localdate() if grade else None,
        baseline_voc_tpa=Decimal(voc),
        baseline_nox_tpa=Decimal(nox),
        baseline_pm_tpa=Decimal(pm),
        **kwargs,
    )


def line(
    name="1号涂装线",
    *,
    voc="10",
    nox="2",
    pm="1",
    yellow=("limit", 80),
    orange=("limit", 60),
    red=("stop", None),
    check=CheckMethod.ELECTRICITY,
    point=None,
):
    return {
        "name": name,
        "voc_tpa": Decimal(voc),
        "nox_tpa": Decimal(nox),
        "pm_tpa": Decimal(pm),
        "yellow_measure": yellow[0],
        "yellow_keep_pct": yellow[1],
        "orange_measure": orange[0],
        "orange_keep_pct": orange[1],
        "red_measure": red[0],
        "red_keep_pct": red[1],
        "check_method": check,
        "monitoring_point": point,
        "check_detail": "电表 No.3",
    }


def approved_list(enterprise, by, lines=None) -> ReductionList:
    account = factories.enterprise_user(enterprise)
    draft = services.list_open(enterprise=enterprise, by=account)
    services.list_save(reduction_list=draft, lines=lines or [line()], note="", by=account)
    services.list_submit(reduction_list=draft, by=account)
    return services.list_review(reduction_list=draft, approve=True, comment="", by=by)


def declare(
    manager, *, level="orange", districts=("jinjiang",), hours_ahead=25, hours=48, **kwargs
):
    start = timezone.now() + timedelta(hours=hours_ahead)
    return services.warning_declare(
        level=level,
        districts=District.objects.filter(code__in=districts),
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        reason="省级预报：未来三天PM2.5重度污染",
        by=manager,
        **kwargs,
    )


STOP = (Measure.STOP, None)
NONE = (Measure.NONE, None)


@pytest.fixture
def grades(db):
    """One enterprise of each grade in 晋江, and a C-grade one in 南安 (outside a 晋江 warning)."""
    return {
        "A": graded("A"),
        "B": graded("B"),
        "C": graded("C"),
        "D": graded("D"),
        "leading": graded("leading"),
        "none": graded(""),
        "outside": graded("C", district="nanan"),
    }
