"""Factories for test data; reference data (sectors, districts, parks, tier policy) comes from migrations."""

import itertools
import random
from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from enterprises.models import (
    District,
    Enterprise,
    IndustrialPark,
    RelocationMilestone,
    RelocationProject,
    RemediationPlan,
    RemediationTask,
    Sector,
)
from enterprises.validators import USCC_ALPHABET, uscc_check_character
from govern import roles
from govern.models import User

_serial = itertools.count(1)


def valid_uscc(seed: int | None = None) -> str:
    rng = random.Random(seed if seed is not None else next(_serial) * 7919)
    first17 = "91350582" + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return first17 + uscc_check_character(first17)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-test-123")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


def manager_user(**kwargs) -> User:
    return UserFactory(role=roles.MANAGER, **kwargs)


def inspector_user(**kwargs) -> User:
    return UserFactory(role=roles.INSPECTOR, **kwargs)


def enterprise_user(enterprise, **kwargs) -> User:
    return UserFactory(role=roles.ENTERPRISE, enterprise=enterprise, **kwargs)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    """An enterprise placed straight into a state (tests of one transition need no history)."""

    class Meta:
        model = Enterprise
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"泉州测试企业{n}有限公司")
    uscc = factory.LazyFunction(valid_uscc)
    sector = factory.LazyFunction(lambda: Sector.objects.get(code="footwear"))
    district = factory.LazyFunction(lambda: District.objects.get(code="jinjiang"))
    address = "晋江市工业路1号"
    legal_representative = "陈建华"
    baseline_voc_tpa = Decimal("12.5")

    @factory.post_generation
    def schedule(self, create, extracted, **kwargs):
        """The services keep the inspection schedule; a factory placing a row directly does too."""
        if create:
            from enterprises.services import inspection_schedule_refresh

            inspection_schedule_refresh(enterprises=Enterprise.objects.filter(pk=self.pk))
            self.refresh_from_db(fields=["next_inspection_due", "last_inspected_at"])


class RemediationPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RemediationPlan

    enterprise = factory.SubFactory(EnterpriseFactory)
    created_by = factory.SubFactory(UserFactory)


class RemediationTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RemediationTask

    plan = factory.SubFactory(RemediationPlanFactory)
    measure = RemediationTask.Measure.SOURCE_SUBSTITUTION
    description = "水性漆替代"
    deadline = factory.Faker("future_date")
    owner = "蔡明辉"


# What a certification records: the verified reduction and its basis.
VERIFIED = {
    "verified_voc_reduction_tpa": Decimal("3.000"),
    "reduction_basis": "test_report",
    "reduction_reference": "闽环检字〔2026〕第101号",
}


def park(code: str = "jinjiang_edz") -> IndustrialPark:
    return IndustrialPark.objects.get(code=code)


def done_relocation_project(enterprise) -> RelocationProject:
    """A relocation project whose milestones are all done (the guard of `relocated` is met)."""
    project = RelocationProject.objects.create(
        enterprise=enterprise, target_park=park("quanzhou_etdz"), created_by=UserFactory()
    )
    for kind in RelocationMilestone.Kind:
        RelocationMilestone.objects.create(project=project, kind=kind, actual_date=date.today())
    Enterprise.objects.filter(pk=enterprise.pk).update(relocation_project=project)
    enterprise.relocation_project = project
    return project


def reschedule(enterprise) -> None:
    """After a test moved an enterprise's registration or visits directly: recompute its schedule."""
    from enterprises.services import inspection_schedule_refresh

    inspection_schedule_refresh(enterprises=Enterprise.objects.filter(pk=enterprise.pk))


def open_order(enterprise, by, *, days: int = 20):
    """An issued, open rectification order of a submitted visit (placed directly)."""
    from django.utils import timezone

    from inspections.models import RectificationOrder, SiteVisit

    visit = SiteVisit.objects.create(
        enterprise=enterprise,
        checklist_id=1,
        started_at=timezone.now(),
        ended_at=timezone.now(),
        location="厂区",
        created_by=by,
        status=SiteVisit.Status.SUBMITTED,
    )
    return RectificationOrder.objects.create(
        issued_at=timezone.now(),
        enterprise=enterprise,
        visit=visit,
        requirement="更换活性炭",
        legal_basis="《大气污染防治法》第45条",
        deadline=timezone.localdate() + timedelta(days=days),
    )


def ledger_row(enterprise, *, by=None, month=None, **data):
    """A material ledger row recorded through the service (by the enterprise's own account).

    Defaults: a water-based flexo ink on absorbent substrate at 4 % (low-VOC, within GB 38507)."""
    from govern import clock
    from materials import services as material_services

    account = by or enterprise.accounts.first() or enterprise_user(enterprise)
    row = {
        "month": month or clock.today().replace(day=1),
        "product_name": "水性柔印油墨 WB-200",
        "supplier": "泉州油墨有限公司",
        "category": "ink-water-flexo-absorbent",
        "voc_content": Decimal("4"),
        "unit": "%",
        "density": None,
        "quantity_kg": Decimal("1000"),
    } | data
    return material_services.ledger_entry_add(enterprise=enterprise, data=row, by=account)


_certificates = iter(range(1, 10**6))


def officer(user, *, valid_days: int = 365):
    """Put a staff account in the officer register with a valid enforcement certificate."""
    from datetime import timedelta

    from django.utils import timezone

    from inspections.models import Officer

    return Officer.objects.update_or_create(
        user=user,
        defaults={
            "certificate_no": f"FJ-{next(_certificates):06d}",
            "certificate_valid_until": timezone.localdate() + timedelta(days=valid_days),
            "active": True,
        },
    )[0]


def ratios(**percent):
    """Set the register's share per quarter of each category (the others 0)."""
    from inspections.models import SamplingRatio

    for category in ("key", "special", "general"):
        SamplingRatio.objects.update_or_create(
            category=category, defaults={"percent_per_quarter": percent.get(category, 0)}
        )


def items():
    from inspections.models import InspectionItem

    return list(InspectionItem.objects.filter(active=True)[:2])
