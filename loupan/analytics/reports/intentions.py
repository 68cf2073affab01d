"""What customers want: purchase intentions (budget, area, bedrooms, purpose, floor, level)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ..dims import D
from ..registry import Report, by_title, count, register
from .common import SHARE, has_intention

INTENTIONS = count("customers", _("Intentions"))
SINGLE = {"bedrooms": "bar", "budget-band": "bar", "area-band": "bar", "purpose": "pie",
          "floor-preference": "bar", "level": "pie"}  # fmt: skip
CROSS = [
    ("bedrooms", "budget-band", "heatmap"), ("bedrooms", "area-band", "heatmap"),
    ("purpose", "budget-band", "heatmap"), ("age-band", "bedrooms", "heatmap"),
    ("income-band", "budget-band", "heatmap"), ("level", "source", "stacked"), ("level", "site", "stacked"),
    ("purpose", "age-band", "stacked"), ("month", "level", "stacked"), ("project", "bedrooms", "stacked"),
]  # fmt: skip

register(
    *[
        Report(f"intentions-by-{key}", by_title(_("Intentions"), D[key]), "intentions", dims=(D[key],),
               measures=(INTENTIONS, SHARE), chart=chart, where=has_intention)
        for key, chart in SINGLE.items()
    ],
    *[
        Report(f"intentions-by-{a}-and-{b}", by_title(_("Intentions"), D[a], D[b]), "intentions",
               dims=(D[a], D[b]), measures=(INTENTIONS,), chart=chart, where=has_intention)
        for a, b, chart in CROSS
    ],
)  # fmt: skip
