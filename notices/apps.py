from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Notices")

    def ready(self):
        from . import receivers  # noqa: F401  (subscribes to the events it lists)

        checks.register(check_pdf_toolchain)


def check_pdf_toolchain(app_configs, **kwargs):
    """Warn when notices would render slowly: no HarfBuzz subsetter, or the font not prepared."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    from . import fonts

    problems = []
    if not (harfbuzz_subset and harfbuzz.hb_version_atleast(4, 1, 0)):
        problems.append(
            checks.Warning(
                "HarfBuzz's subsetter is missing: each Chinese notice would take seconds to render.",
                hint="apt-get install libharfbuzz-subset0",
                id="notices.W001",
            )
        )
    if not fonts.is_prepared():
        problems.append(
            checks.Warning(
                "The notice font is not prepared; notices fall back to the slower system font.",
                hint="python manage.py prepare_fonts",
                id="notices.W002",
            )
        )
    return problems
