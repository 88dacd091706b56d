from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "facilities"
    verbose_name = _("Treatment facilities")

    def ready(self):
        from . import receivers  # noqa: F401  (subscribes to the events it lists)
