"""Write synthetic exports of the old sales and members systems (see loupan.exchange.legacy_data)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from loupan.exchange.legacy_data import write_all


class Command(BaseCommand):
    help = (
        "Write legacy export files: by default the full-size set (9,300 customers, 2,000 members, "
        "20,000 units, 6,000 contracts); --small writes the test set of tests/data."
    )

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--out", default="var/legacy", help="directory to write into")
        parser.add_argument("--small", action="store_true", help="the small set shipped in tests/data")
        parser.add_argument("--sites", default="S1,S2", help="site codes to spread customers over")
        parser.add_argument("--salespeople", default="张顾问,李顾问,王顾问,赵代理,离职员工")
        parser.add_argument("--bad-every", type=int, default=None, help="one bad row every N rows")

    def handle(self, *args, **opts) -> None:  # noqa: ANN002, ANN003
        small = opts["small"]
        sizes = (
            {"customers": 300, "members": 60, "projects": 4, "units": 288, "contracts": 40}
            if small
            else {"customers": 9300, "members": 2000, "projects": 40, "units": 20000, "contracts": 6000}
        )
        bad_every = opts["bad_every"] if opts["bad_every"] is not None else (10 if small else 0)
        paths = write_all(
            Path(opts["out"]), sites=opts["sites"].split(","), salespeople=opts["salespeople"].split(","),
            bad_every=bad_every, **sizes,
        )  # fmt: skip
        for path in paths:
            self.stdout.write(f"{path} ({path.stat().st_size:,} bytes)")
