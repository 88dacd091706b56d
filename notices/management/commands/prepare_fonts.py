"""Prepare the notice font once (about a minute); later runs return at once."""

import time

from django.core.management.base import BaseCommand, CommandError

from notices import fonts


class Command(BaseCommand):
    help = "Cut Noto Serif CJK SC down to GB 2312 for fast PDF notices (skipped when up to date)."
    requires_system_checks = []  # the check would only warn about what this command fixes

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="rebuild even if up to date")

    def handle(self, *args, force, **options):
        started = time.perf_counter()
        try:
            built = fonts.prepare(force=force)
        except FileNotFoundError as error:
            raise CommandError(str(error)) from error
        if built:
            self.stdout.write(
                f"Prepared the notice font in {fonts.font_dir()} ({time.perf_counter() - started:.0f} s)."
            )
        elif options["verbosity"] > 1:
            self.stdout.write("The notice font is up to date.")
