from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module
from types import ModuleType
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from responsibility.demo import DEMO_PASSWORD, DemoContext, seed_demo

# Shorthands for the benchmark's growth sizes: --scale 3x is --scale province --multiplier 3.
MULTIPLES = {"3x": 3, "10x": 10}


@contextmanager
def mail_to_nobody() -> Iterator[None]:
    """A demo mails nobody. Its services queue email as they do in use (hand-overs, notices,
    reminder digests) and tasks run in-process, so while it seeds the email goes to Django's
    dummy backend and digests are kept to the inbox; each app's `finish` drops the rows left
    in the outbox. The settings are restored afterwards (the command may run in a test)."""
    saved = settings.EMAIL_BACKEND, settings.REMINDER_EMAIL
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    settings.REMINDER_EMAIL = False
    try:
        yield
    finally:
        settings.EMAIL_BACKEND, settings.REMINDER_EMAIL = saved


def demo_modules() -> Iterator[ModuleType]:
    """Each higher app's `<app>.demo` module, in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        if config.name == "responsibility":
            continue
        try:
            yield import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise


class Command(BaseCommand):
    help = "Build the demo province (idempotent): the core, then each app's demo.seed()."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=["demo", "province", *MULTIPLES],
            default="demo",
            help="demo: three units, idempotent (default). province: 100 units, ~3,200 "
            "organisations, 30,000 people, bulk-loaded into an empty PostgreSQL database for "
            "the benchmark (bench/README.md); refuses a database that has organisations. "
            "3x, 10x: that many provinces (as --scale province --multiplier 3 or 10).",
        )
        parser.add_argument(
            "--multiplier",
            type=int,
            default=None,
            metavar="K",
            help="with --scale province: K provinces side by side, each under its own working "
            "committee (the benchmark's growth runs); the demo personas stay in the first.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale, multiplier = options["scale"], options["multiplier"]
        if scale in MULTIPLES:
            if multiplier not in (None, MULTIPLES[scale]):
                raise CommandError(f"--scale {scale} is --multiplier {MULTIPLES[scale]}")
            scale, multiplier = "province", MULTIPLES[scale]
        if multiplier is not None and (scale != "province" or multiplier < 1):
            raise CommandError("--multiplier takes a whole number ≥ 1, with --scale province")
        if scale == "province":
            context = self._province(multiplier or 1)
            # Higher apps add their part in bulk through `seed_province(context)`, so a per-row
            # demo never runs at this size.
            for module in demo_modules():
                if hasattr(module, "seed_province"):
                    module.seed_province(context)
        else:
            with mail_to_nobody():
                context = seed_demo()
                # Higher apps add their demo data without the core importing them; `finish`
                # runs once every app's data is committed (the reminder sweep sees all of it).
                modules = list(demo_modules())
                for module in modules:
                    module.seed(context)
                for module in modules:
                    if hasattr(module, "finish"):
                        module.finish(context)
        summary = ", ".join(f"{name} {count}" for name, count in context.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo ready: {summary}"))
        self.stdout.write(f"Demo password for every account: {DEMO_PASSWORD}")

    def _province(self, copies: int) -> DemoContext:
        from responsibility.demo_province import ProvinceError, seed_province

        try:
            return seed_province(copies=copies, progress=self.stdout.write)
        except ProvinceError as exc:
            raise CommandError(str(exc)) from exc
