"""Sell-through (去化率): units sold of units offered, by project, building, layout, floor band..."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..dims import D
from ..registry import Ratio, Report, by_title, count, register, total
from .common import SOLD

UNITS = count("units", _("Units"))
SOLD_UNITS = count("sold", _("Sold"), q=lambda s: Q(status__in=SOLD))
AVAILABLE = count("available", _("Available"), q=lambda s: Q(status="available"))
SELL_THROUGH = Ratio("sell_through", _("Sell-through (%)"), "sold", "units")
SOLD_VALUE = total("sold_value", _("Value sold (list)"), "total_price", q=lambda s: Q(status__in=SOLD))

DIMS = {"building": "bar", "unit-project": "bar", "layout": "bar", "floor-band": "bar", "unit-area-band": "bar",
        "price-band": "bar", "unit-bedrooms": "bar"}  # fmt: skip
SLUGS = {"unit-project": "project", "unit-area-band": "area-band", "unit-bedrooms": "bedrooms"}

register(
    *[
        Report(f"sell-through-by-{SLUGS.get(key, key)}", by_title(_("Sell-through"), D[key]), "inventory",
               source="units", dims=(D[key],), measures=(UNITS, SOLD_UNITS, AVAILABLE, SELL_THROUGH, SOLD_VALUE),
               chart=chart)
        for key, chart in DIMS.items()
    ],
    Report("units-by-status", by_title(_("Units"), D["unit-status"]), "inventory", source="units",
           dims=(D["unit-status"],), measures=(UNITS,), chart="pie"),
    Report("units-by-building-and-status", by_title(_("Units"), D["building"], D["unit-status"]), "inventory",
           source="units", dims=(D["building"], D["unit-status"]), measures=(UNITS,), chart="stacked"),
)  # fmt: skip
