"""What the inspections app does when things happen elsewhere.

| event                        | reaction                                                        | when           |
| ---------------------------- | --------------------------------------------------------------- | -------------- |
| enterprises.EnterpriseClosed | ``cancel_obligations``: open orders cancelled, planned inspections dropped | in transaction |
"""

from enterprises.events import EnterpriseClosed
from govern.events import subscribe
from govern.models import User

from .services import obligations_cancel_for_closure


@subscribe(EnterpriseClosed, in_transaction=True)
def cancel_obligations(event: EnterpriseClosed) -> None:
    by = User.objects.filter(pk=event.by_id).first() if event.by_id is not None else None
    obligations_cancel_for_closure(enterprise_id=event.enterprise_id, by=by)
