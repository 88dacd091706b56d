from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "deadlines"
    verbose_name = _("Deadlines")

    def ready(self):
        from . import receivers  # noqa: F401  (subscribes to the events it lists)

        checks.register(check_holiday_calendar)


def check_holiday_calendar(app_configs, **kwargs):
    from django.utils import timezone

    from govern.workdays import is_covered

    next_year = timezone.localdate().year + 1
    if is_covered(next_year):
        return []
    return [
        checks.Warning(
            f"The Chinese holiday calendar has no data for {next_year}: deadlines then skip weekends only.",
            hint="Upgrade the chinesecalendar package once the State Council publishes the holidays.",
            id="deadlines.W001",
        )
    ]
