from datetime import datetime
from decimal import Decimal

import pytest

from monitoring import hj212
from monitoring.models import MonitoringPoint, PollutantLimit

NMHC_LIMIT = Decimal("60")


@pytest.fixture
def point(enterprise):
    point = MonitoringPoint.objects.create(
        enterprise=enterprise, mn="QZ350500000001", outlet="1# 涂装废气排放口", st="31"
    )
    PollutantLimit.objects.create(
        point=point, code="a24088", limit=NMHC_LIMIT, legal_source="GB 16297-1996 表2"
    )
    PollutantLimit.objects.create(point=point, code="a00000")
    return point


def data_packet(
    *,
    mn="QZ350500000001",
    cn="2061",
    at=datetime(2026, 11, 25, 10, 0),
    nmhc=12.5,
    flag="N",
    pw="123456",
    qn="20261125100001001",
    ack=True,
) -> bytes:
    field = "Rtd" if cn == "2011" else "Avg"
    segment = (
        f"QN={qn};ST=31;CN={cn};PW={pw};MN={mn};Flag={5 if ack else 4};"
        f"CP=&&DataTime={at:%Y%m%d%H%M%S};a24088-{field}={nmhc},a24088-Flag={flag};"
        f"a00000-{field}=12000,a00000-Flag=N&&"
    )
    return hj212.frame(segment)
