"""Demo portal activity for load_demo: evidence awaiting review, a rejection, an extension request."""

import random
from datetime import timedelta

from enterprises.models import RemediationTask
from evidence import services
from inspections.models import RectificationOrder

from .inspections import demo_photo


def create_demo_portal(*, rng: random.Random, users: dict) -> None:
    account, inspector = users["enterprise"], users["inspector"]
    enterprise = account.enterprise
    tasks = list(
        RemediationTask.objects.filter(
            plan__enterprise=enterprise, status=RemediationTask.Status.OPEN
        ).order_by("id")
    )
    orders = list(
        RectificationOrder.objects.issued()
        .filter(
            enterprise=enterprise,
            status__in=[RectificationOrder.Status.OPEN, RectificationOrder.Status.OVERDUE],
        )
        .order_by("id")
    )
    if tasks:
        services.evidence_submit(
            target=tasks[0],
            uploads=[demo_photo(rng)],
            note="已完成水性漆替代，附采购凭证照片",
            by=account,
        )
    if orders:
        rejected = services.evidence_submit(
            target=orders[0], uploads=[demo_photo(rng)], note="已整改", by=account
        )
        services.evidence_review(
            submission=rejected,
            accept=False,
            comment="照片未显示集气罩，请补拍整改后的全景照片",
            by=inspector,
        )
    if len(tasks) > 1:
        services.extension_request(
            target=tasks[1],
            requested_deadline=tasks[1].deadline + timedelta(days=60),
            reason="治理设备供货周期延长两个月",
            by=account,
        )
