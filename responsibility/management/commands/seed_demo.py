from typing import Any

from django.core.management.base import BaseCommand

from responsibility.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Build the demo province (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = seed_demo()
        summary = ", ".join(f"{name} {count}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo ready: {summary}"))
        self.stdout.write(f"Demo password for every account: {DEMO_PASSWORD}")
