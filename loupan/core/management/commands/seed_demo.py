"""``manage.py seed_demo``: a deterministic demo company with customers and follow-ups."""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from loupan.core import demo
from loupan.customers.models import Customer


class Command(BaseCommand):
    help = "Create a demo company: sites, staff of every role, customers and a year of follow-ups."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--customers", type=int, default=2000, help="How many customers (default 2000).")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data (default 1).")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the database already has customers."
        )
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="The day the data is relative to (YYYY-MM-DD; default: today).",
        )

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        if options["customers"] < 0:
            raise CommandError("--customers must not be negative.")
        if Customer.objects.exists():
            if options["if_empty"]:
                self.stdout.write("The database already has customers: nothing seeded.")
                return
            raise CommandError(
                "The database already has customers. Seed an empty database (or pass --if-empty)."
            )
        started = time.perf_counter()
        result = demo.seed(customers=options["customers"], seed=options["seed"], today=options["today"])
        roles = ", ".join(f"{role} {n}" for role, n in sorted(result.by_role.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {result.sites} sites, {result.users} users ({roles}), "
                f"{result.customers} customers and {result.activities} activities "
                f"in {time.perf_counter() - started:.1f}s."
            )
        )
