"""How sales are going: the funnel, visits and revisits, conversion by channel, project,
salesperson and period."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..dims import DEAL_STATUSES, D
from ..registry import Ratio, Report, by_title, count, register
from .common import BUYERS, CONTRACTED_CUSTOMERS, CONVERSION, CUSTOMERS, VISIT_KINDS, VISITED

OWNERS = count("owners", _("Handed over"), q=lambda s: Q(**{f"{s.c}status": "owner"}))
VISITS = count("visits", _("Visits"), q=lambda s: Q(kind="visit"))
REVISITS = count("revisits", _("Revisits"), q=lambda s: Q(kind="revisit"))
REVISIT_RATE = Ratio("revisit_rate", _("Revisits per visit (%)"), "revisits", "visits")
ACTIVITIES = count("count", _("Follow-ups"))
VISITED_CUSTOMERS = count("visited_customers", _("Customers visiting"), distinct="customer_id")


def _visits(s):  # noqa: ANN001, ANN202
    return Q(kind__in=VISIT_KINDS)


FUNNEL_STAGES = (
    count("registered", pgettext_lazy("funnel stage", "Registered")),
    VISITED,
    count("subscribed", _("Subscribed"), q=lambda s: Q(**{f"{s.c}status__in": DEAL_STATUSES})),
    count("contracted", _("Contracted"), q=lambda s: Q(**{f"{s.c}status__in": ["contracted", "owner"]})),
    OWNERS,
)  # fmt: skip
VISIT_DIMS = {
    "month": "line",
    "site": "bar",
    "by": "bar",
    "source": "bar",
    "by-team": "bar",
    "project": "bar",
}
VISIT_SLUGS = {"by": "salesperson", "by-team": "team"}
CONVERSION_DIMS = {"source": "bar", "project": "bar", "salesperson": "bar", "month": "line", "site": "bar",
                   "team": "bar", "level": "bar"}  # fmt: skip

register(
    Report("sales-funnel", _("Sales funnel"), "sales", measures=FUNNEL_STAGES, chart="funnel", stages=True,
           description=_("Customers registered in the period and how far they have come: a visit, a "
                         "subscription, a contract, the keys.")),
    *[
        Report(f"visits-by-{VISIT_SLUGS.get(key, key)}", by_title(_("Visits"), D[key]), "sales", source="activities", dims=(D[key],),
               measures=(VISITS, REVISITS, VISITED_CUSTOMERS, REVISIT_RATE), chart=chart, where=_visits)
        for key, chart in VISIT_DIMS.items()
    ],
    Report("follow-ups-by-kind", by_title(_("Follow-ups"), D["kind"]), "sales", source="activities",
           dims=(D["kind"],), measures=(ACTIVITIES,), chart="pie"),
    Report("follow-ups-by-month-and-kind", by_title(_("Follow-ups"), D["month"], D["kind"]), "sales",
           source="activities", dims=(D["month"], D["kind"]), measures=(ACTIVITIES,), chart="stacked"),
    *[
        Report(f"conversion-by-{key}", by_title(_("Conversion"), D[key]), "sales", dims=(D[key],),
               measures=(CUSTOMERS, VISITED, BUYERS, CONTRACTED_CUSTOMERS, CONVERSION), chart=chart)
        for key, chart in CONVERSION_DIMS.items()
    ],
)  # fmt: skip
