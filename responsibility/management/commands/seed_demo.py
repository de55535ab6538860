from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser

from responsibility.demo import DEMO_PASSWORD, DemoContext, seed_demo


class Command(BaseCommand):
    help = "Build the demo province (idempotent): the core, then each app's demo.seed()."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=["demo", "province"],
            default="demo",
            help="demo: three units, idempotent (default). province: 100 units, ~3,200 "
            "organisations, 30,000 people, bulk-loaded into an empty PostgreSQL database for "
            "the benchmark (bench/README.md); refuses a database that has organisations.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["scale"] == "province":
            context = self._province()
            hook = "seed_province"
        else:
            context = seed_demo()
            hook = "seed"
        # Higher apps add their demo data without the core importing them; at province scale
        # through a separate bulk `seed_province(context)`, so a per-row demo never runs there.
        for config in apps.get_app_configs():
            if config.name == "responsibility":
                continue
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            if hook == "seed" or hasattr(module, hook):
                getattr(module, hook)(context)
        summary = ", ".join(f"{name} {count}" for name, count in context.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo ready: {summary}"))
        self.stdout.write(f"Demo password for every account: {DEMO_PASSWORD}")

    def _province(self) -> DemoContext:
        from responsibility.demo_province import ProvinceError, seed_province

        try:
            return seed_province(progress=self.stdout.write)
        except ProvinceError as exc:
            raise CommandError(str(exc)) from exc
