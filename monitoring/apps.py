from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Online monitoring")

    def ready(self):
        from . import receivers  # noqa: F401  (subscribes to the events it lists)
