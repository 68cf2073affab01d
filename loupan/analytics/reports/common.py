"""Measures and conditions several categories share."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from loupan.inventory.choices import SOLD_STATUSES

from ..dims import DEAL_STATUSES
from ..registry import Ratio, Share, count
from ..sources import Source

VISIT_KINDS = ["visit", "revisit"]
CONTRACTED = ["contracted", "owner"]
SOLD = sorted(SOLD_STATUSES)


def _visited(s: Source) -> Q:
    """Came to the sales office: a visit on record, or a deal (which needs one)."""
    from loupan.sales.models import Activity

    visits = Activity.objects.filter(customer_id=OuterRef(f"{s.c}pk"), kind__in=VISIT_KINDS)
    return Q(Exists(visits)) | Q(**{f"{s.c}status__in": DEAL_STATUSES})


CUSTOMERS = count("customers", _("Customers"))
SHARE = Share("share", _("Share (%)"), "customers")
VISITED = count("visited", _("Visited"), q=_visited)
BUYERS = count("buyers", _("Buyers"), q=lambda s: Q(**{f"{s.c}status__in": DEAL_STATUSES}))
CONTRACTED_CUSTOMERS = count("contracted", _("Contracted"), q=lambda s: Q(**{f"{s.c}status__in": CONTRACTED}))
BUYER_RATE = Ratio("buyer_rate", _("Buyer rate (%)"), "buyers", "customers")
CONVERSION = Ratio("conversion", _("Conversion (%)"), "contracted", "customers")


def has_intention(s: Source) -> Q:
    """A customer who told us something about what they want."""
    c = s.c
    return (
        Q(**{f"{c}intent_bedrooms__isnull": False})
        | Q(**{f"{c}intent_budget_max__isnull": False})
        | Q(**{f"{c}intent_area_max__isnull": False})
        | ~Q(**{f"{c}intent_purpose": ""})
        | ~Q(**{f"{c}intent_level": ""})
    )
