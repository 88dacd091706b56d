"""Print the live table of domain events and the handlers subscribed to them."""

from django.core.management.base import BaseCommand

from govern import events


class Command(BaseCommand):
    help = "List every domain event with its receivers (in the transaction, or after commit)."

    def handle(self, *args, **options):
        rows = [
            (
                f"{event_type.__module__.split('.')[0]}.{event_type.__name__}",
                subscription.name,
                "in transaction" if subscription.in_transaction else "after commit",
            )
            for event_type, subscriptions in events.all_subscriptions().items()
            for subscription in subscriptions
        ]
        width = max((len(r[0]) for r in rows), default=10)
        for event_name, handler, when in sorted(rows):
            self.stdout.write(f"{event_name:<{width}}  {when:<14}  {handler}")
