"""Who our customers are: distributions and cross-tabs of their profile, buyers vs the rest."""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ..dims import D
from ..registry import Report, by_title, register
from .common import BUYER_RATE, BUYERS, CUSTOMERS, SHARE

SINGLE = {  # dimension: chart
    "source": "pie", "age-band": "bar", "income-band": "bar", "occupation": "bar", "district": "bar",
    "interest": "bar", "gender": "pie", "status": "bar", "site": "bar", "project": "bar", "month": "line",
    "buyer": "pie", "team": "pie",
}  # fmt: skip
CROSS = [
    ("age-band", "income-band", "heatmap"), ("age-band", "source", "heatmap"),
    ("income-band", "source", "heatmap"), ("age-band", "gender", "stacked"),
    ("occupation", "income-band", "heatmap"), ("district", "income-band", "heatmap"),
    ("source", "status", "stacked"), ("site", "status", "stacked"), ("project", "source", "stacked"),
    ("month", "source", "stacked"), ("age-band", "interest", "heatmap"), ("site", "age-band", "heatmap"),
    ("district", "age-band", "heatmap"),
]  # fmt: skip
BUYERS_BY = ["age-band", "income-band", "occupation", "district", "source", "interest", "gender"]

register(
    *[
        Report(f"customers-by-{key}", by_title(_("Customers"), D[key]), "profiles", dims=(D[key],),
               measures=(CUSTOMERS, SHARE), chart=chart)
        for key, chart in SINGLE.items()
    ],
    *[
        Report(f"customers-by-{a}-and-{b}", by_title(_("Customers"), D[a], D[b]), "profiles",
               dims=(D[a], D[b]), measures=(CUSTOMERS,), chart=chart)
        for a, b, chart in CROSS
    ],
    *[
        Report(f"buyers-by-{key}", format_lazy("{}: {}", _("Buyers and non-buyers"), D[key].label), "profiles",
               dims=(D[key],), measures=(CUSTOMERS, BUYERS, BUYER_RATE),
               description=_("How buyers (subscribed, contracted, owners) differ from the customers who did not buy."))
        for key in BUYERS_BY
    ],
)  # fmt: skip
