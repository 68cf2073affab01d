"""What customers want: purchase intentions (budget, area, bedrooms, purpose, floor, level)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..dims import D, Dim
from ..registry import Report, by_title, count, register
from ..sources import Source
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


# --- rule-based A/B/C/D levels ------------------------------------------------------------------
RULES = _(
    "A: came back (a revisit) with a budget and bedrooms, or holds an active reservation; B: visited with a "
    "budget or bedrooms; C: gave an intention or was followed up in the last 30 days; D: the rest."
)


def rule_level(s: Source) -> Case:
    """The level the rules give a customer, as one CASE over indexed EXISTS look-ups."""
    from loupan.sales.models import Activity, Reservation

    me = OuterRef(f"{s.c}pk")
    acts = Activity.objects.filter(customer_id=me)
    wants = Q(**{f"{s.c}intent_budget_max__isnull": False}) | Q(**{f"{s.c}intent_budget_min__isnull": False})
    rooms = Q(**{f"{s.c}intent_bedrooms__isnull": False})
    revisit, visit = Exists(acts.filter(kind="revisit")), Exists(acts.filter(kind__in=["visit", "revisit"]))
    reserved = Exists(Reservation.objects.filter(customer_id=me, status="active"))
    recent = Exists(acts.filter(occurred_at__gte=timezone.now() - dt.timedelta(days=30)))
    return Case(
        When((Q(revisit) & wants & rooms) | Q(reserved), then=Value("A")),
        When(Q(visit) & (wants | rooms), then=Value("B")),
        When(has_intention(s) | Q(recent), then=Value("C")),
        default=Value("D"),
    )


RULE_LEVEL = Dim(
    "rule-level", _("level by the rules"), rule_level, names=D["level"].names, order=["A", "B", "C", "D"]
)
register(
    Report("intentions-by-rule-level", by_title(_("Customers"), RULE_LEVEL), "intentions", dims=(RULE_LEVEL,),
           measures=(count("customers", _("Customers")), SHARE), chart="pie", description=RULES),
    Report("intentions-by-level-and-rule-level", by_title(_("Customers"), D["level"], RULE_LEVEL), "intentions",
           dims=(D["level"], RULE_LEVEL), measures=(count("customers", _("Customers")),), chart="heatmap",
           description=RULES),
)  # fmt: skip
