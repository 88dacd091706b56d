from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaterialsConfig(AppConfig):
    name = "materials"
    verbose_name = _("Source substitution")

    def ready(self):
        from . import receivers  # noqa: F401  (subscribes to the events it lists)
