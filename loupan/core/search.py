"""Index-friendly prefix matching on SQLite and PostgreSQL alike.

PostgreSQL: ``LIKE 'x%'`` uses a ``varchar_pattern_ops`` index in any locale (pg_trgm
would find nothing for two-character Chinese queries). SQLite: ``LIKE`` is
case-insensitive and cannot use an index, but a range on the BINARY collation can:
every string starting with ``x`` lies in ``[x, x + U+10FFFF)``.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q

_MAX_CHAR = "\U0010ffff"


def prefix_q(field: str, prefix: str) -> Q:
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__startswith": prefix})
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + _MAX_CHAR})
