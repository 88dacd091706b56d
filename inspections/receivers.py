"""What the inspections app does when things happen elsewhere.

| event                        | reaction                                                        | when           |
| ---------------------------- | --------------------------------------------------------------- | -------------- |
| enterprises.EnterpriseClosed | ``cancel_obligations``: open orders cancelled, planned inspections dropped | in transaction |
| enterprises.RelocationCompleted | ``cancel_old_site_orders``: open orders about the old site cancelled | in transaction |
| monitoring.AlertOpened (exceedance) | ``plan_alert_inspection``: a targeted inspection of the enterprise | in transaction |
| emergency.SpotChecksDrawn    | ``plan_spot_checks``: an inspection per drawn enterprise, with a checklist from its instruction | in transaction |
"""

from emergency.events import SpotChecksDrawn
from enterprises.events import EnterpriseClosed, RelocationCompleted
from enterprises.models import IndustrialPark
from govern.events import subscribe
from govern.models import User
from monitoring.events import AlertOpened
from monitoring.models import Alert

from .services import (
    inspection_plan_for_alert,
    obligations_cancel_for_closure,
    obligations_cancel_for_relocation,
    spot_checks_plan,
)


@subscribe(EnterpriseClosed, in_transaction=True)
def cancel_obligations(event: EnterpriseClosed) -> None:
    by = User.objects.filter(pk=event.by_id).first() if event.by_id is not None else None
    obligations_cancel_for_closure(enterprise_id=event.enterprise_id, by=by)


@subscribe(RelocationCompleted, in_transaction=True)
def cancel_old_site_orders(event: RelocationCompleted) -> None:
    by = User.objects.filter(pk=event.by_id).first() if event.by_id is not None else None
    park = IndustrialPark.objects.filter(enterprises=event.enterprise_id).first()
    obligations_cancel_for_relocation(
        enterprise_id=event.enterprise_id, park_name=park.name if park else "", by=by
    )


@subscribe(AlertOpened, in_transaction=True)
def plan_alert_inspection(event: AlertOpened) -> None:
    if event.kind == Alert.Kind.EXCEEDANCE:
        inspection_plan_for_alert(alert_id=event.alert_id)


@subscribe(SpotChecksDrawn, in_transaction=True)
def plan_spot_checks(event: SpotChecksDrawn) -> None:
    assert event.by_id is not None, "a draw is made by a person"
    spot_checks_plan(draw_id=event.draw_id, by=User.objects.get(pk=event.by_id))
