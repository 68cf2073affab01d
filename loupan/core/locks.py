"""Short locks that serialise writers deciding about the same thing (no business rules)."""

from __future__ import annotations

import hashlib

from django.db import connection


def lock_phone_at_site(site_id: int, phone: str) -> None:
    """Hold, until the transaction ends, the right to decide whether ``phone`` is free at a
    site: a new customer and an agency registration of the same phone then come one after
    the other, so both cannot pass their checks at once. PostgreSQL: a transaction-level
    advisory lock; SQLite needs none (IMMEDIATE transactions already serialise writers)."""
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(f"site-phone:{site_id}:{phone}".encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)])
