from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand

from responsibility.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Build the demo province (idempotent): the core, then each app's demo.seed()."

    def handle(self, *args: Any, **options: Any) -> None:
        context = seed_demo()
        # Higher apps add their demo data without the core importing them.
        for config in apps.get_app_configs():
            if config.name == "responsibility":
                continue
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            module.seed(context)
        summary = ", ".join(f"{name} {count}" for name, count in context.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo ready: {summary}"))
        self.stdout.write(f"Demo password for every account: {DEMO_PASSWORD}")
