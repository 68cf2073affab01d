"""``manage.py demo_logins``: the demo accounts, one per line, with their password."""

from __future__ import annotations

import unicodedata

from django.contrib.auth.hashers import check_password
from django.core.management.base import BaseCommand

from loupan.core.demo import DEMO_PASSWORD, DEMO_PREFIX
from loupan.org.models import User

ROLE_ORDER = ["admin", "company_manager", "site_manager", "sales", "agent"]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "Print the demo logins (users named demo_*): username, role, sites and password."

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        users = sorted(
            User.objects.filter(username__startswith=DEMO_PREFIX).prefetch_related("sites"),
            key=lambda u: (ROLE_ORDER.index(u.role) if u.role in ROLE_ORDER else 99, u.username),
        )
        if not users:
            self.stdout.write("No demo users. Run: python manage.py seed_demo")
            return
        # All demo users share one hash: check each distinct hash once (PBKDF2 is slow).
        known = {h: check_password(DEMO_PASSWORD, h) for h in {u.password for u in users}}
        rows = [["username", "role", "name", "sites", "password"]]
        for user in users:
            sites = " ".join(f"{s.code} {s.name}" for s in sorted(user.sites.all(), key=lambda s: s.code))
            if not sites:
                sites = "(all sites)" if user.role in ("admin", "company_manager") else "-"
            if user.agency_id:
                sites += f" [{user.agency.name}]"
            password = DEMO_PASSWORD if known[user.password] else "(changed)"
            if not user.is_active:
                password += " (inactive)"
            rows.append([user.username, user.role, user.full_name, sites, password])
        widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = [
            "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        self.stdout.write("Demo logins (web UI and POST /api/v1/auth/token/):")
        self.stdout.write("\n".join(lines))
