from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser

from responsibility.demo import DEMO_PASSWORD, DemoContext, seed_demo

# Shorthands for the benchmark's growth sizes: --scale 3x is --scale province --multiplier 3.
MULTIPLES = {"3x": 3, "10x": 10}


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

    def _province(self, copies: int) -> DemoContext:
        from responsibility.demo_province import ProvinceError, seed_province

        try:
            return seed_province(copies=copies, progress=self.stdout.write)
        except ProvinceError as exc:
            raise CommandError(str(exc)) from exc
