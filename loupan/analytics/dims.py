"""Dimensions: what a report groups by, as a database expression of its source.

A dimension knows the expression (built per source: the customer's age band reads
``birth_date`` on customers and ``customer__birth_date`` on contracts), how to turn the
grouped raw values into labels (choices, or one query for the names of sites, users...)
and in which order to show them. Bands are ``CASE`` expressions, months ``TruncMonth``:
the database groups, Python only names the groups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, CharField, F, FloatField, Func, Value, When
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import LessThan
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from loupan.customers.choices import CustomerStatus, Gender, IncomeBand, IntentionLevel, Purpose
from loupan.inventory.choices import UnitStatus
from loupan.sales.choices import ActivityKind, PaymentChannel, PaymentMethod

from .sources import Source

NOT_GIVEN = _("Not given")
DEAL_STATUSES = ["subscribed", "contracted", "owner"]


@dataclass(frozen=True)
class Dim:
    key: str
    label: Any
    expr: Callable[[Source], Any]
    names: Callable[[Iterable[Any]], dict[Any, str]] | None = None
    order: Sequence[Any] | None = None  # raw values in display order
    chrono: bool = False  # order by the raw value (months)
    top: int | None = None  # keep the largest groups only
    link: str = ""  # the customer list's filter for this dimension (click-through), if it has one

    def label_of(self, value: Any, names: dict[Any, str]) -> str:
        if value in names:
            return str(names[value])
        if value in (None, ""):
            return str(NOT_GIVEN)
        if isinstance(value, dt.datetime | dt.date):
            return value.strftime("%Y-%m")
        return str(value)


# --- name look-ups (one query each, for the groups that came back) -----------------------------


def choice_names(choices: Sequence[tuple[Any, Any]]) -> Callable[[Iterable[Any]], dict[Any, str]]:
    return lambda values: {k: str(v) for k, v in choices}


def _site_names(values: Iterable[Any]) -> dict[Any, str]:
    from loupan.org.models import Site

    return dict(Site.objects.filter(pk__in=[v for v in values if v]).values_list("pk", "name"))


def _project_names(values: Iterable[Any]) -> dict[Any, str]:
    from loupan.inventory.models import Project

    return dict(Project.objects.filter(pk__in=[v for v in values if v]).values_list("pk", "name"))


def _building_names(values: Iterable[Any]) -> dict[Any, str]:
    from loupan.inventory.models import Building

    rows = Building.objects.filter(pk__in=[v for v in values if v]).values_list("pk", "project__name", "name")
    return {pk: f"{project} {name}" for pk, project, name in rows}


def _user_names(values: Iterable[Any]) -> dict[Any, str]:
    from loupan.org.models import User

    rows = User.objects.filter(pk__in=[v for v in values if v]).values_list("pk", "full_name", "username")
    return {pk: full or username for pk, full, username in rows}


def _agency_names(values: Iterable[Any]) -> dict[Any, str]:
    from loupan.org.models import Agency

    names: dict[Any, str] = {None: str(_("In-house"))}
    names.update(Agency.objects.filter(pk__in=[v for v in values if v]).values_list("pk", "name"))
    return names


def _source_names(values: Iterable[Any]) -> dict[Any, str]:
    from loupan.customers.models import SourceChannel

    english = (get_language() or "").startswith("en")
    rows = SourceChannel.objects.filter(code__in=[v for v in values if v]).values_list(
        "code", "name", "name_en"
    )
    return {code: (name_en if english and name_en else name) for code, name, name_en in rows}


# --- bands ----------------------------------------------------------------------------------------


def _null_aware(path: str, expr: Any, edges: Sequence[tuple[Any, str]], last: str) -> Case:
    whens = [When(**{f"{path}__isnull": True}, then=Value(""))]
    whens += [When(LessThan(expr, Value(edge)), then=Value(key)) for edge, key in edges]
    return Case(*whens, default=Value(last))


WAN = Decimal(10_000)
BUDGET_EDGES = [
    (150 * WAN, "<150万"),
    (200 * WAN, "150-200万"),
    (300 * WAN, "200-300万"),
    (500 * WAN, "300-500万"),
]
BUDGET_LAST = "500万+"
BUDGET_ORDER = [k for _e, k in BUDGET_EDGES] + [BUDGET_LAST]
AREA_EDGES = [(Decimal(90), "<90㎡"), (Decimal(120), "90-120㎡"), (Decimal(144), "120-144㎡")]
AREA_LAST = "144㎡+"
AREA_ORDER = [k for _e, k in AREA_EDGES] + [AREA_LAST]
FLOOR_EDGES = [(7, "1-6"), (13, "7-12"), (19, "13-18"), (26, "19-25")]
FLOOR_LAST = "26+"
FLOOR_ORDER = [k for _e, k in FLOOR_EDGES] + [FLOOR_LAST]
AGE_ORDER = ["<25", "25-34", "35-44", "45-54", "55+"]
IDLE_ORDER = ["0-7", "8-14", "15-30", "31-60", "60+"]
AGEING_ORDER = ["not_due", "0-30", "31-90", "91-180", "180+"]
AGEING_NAMES = {
    "not_due": _("Not yet due"),
    "0-30": _("Overdue 1-30 days"),
    "31-90": _("Overdue 31-90 days"),
    "91-180": _("Overdue 91-180 days"),
    "180+": _("Overdue over 180 days"),
}


def _years_ago(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def age_band(path: str) -> Case:
    """Age on today's date in bands: younger than 25 means born after today 25 years ago."""
    today = timezone.localdate()
    edges = [(25, "<25"), (35, "25-34"), (45, "35-44"), (55, "45-54")]
    whens = [When(**{f"{path}__isnull": True}, then=Value(""))]
    whens += [When(**{f"{path}__gt": _years_ago(today, y)}, then=Value(k)) for y, k in edges]
    return Case(*whens, default=Value("55+"))


def idle_band(path: str) -> Case:
    now = timezone.now()
    edges = [(7, "0-7"), (14, "8-14"), (30, "15-30"), (60, "31-60")]
    whens = [When(**{f"{path}__gt": now - dt.timedelta(days=d)}, then=Value(k)) for d, k in edges]
    return Case(*whens, default=Value("60+"))


def ageing_band(path: str) -> Case:
    today = timezone.localdate()
    edges = [(0, "not_due"), (30, "0-30"), (90, "31-90"), (180, "91-180")]
    whens = [When(**{f"{path}__gte": today - dt.timedelta(days=d)}, then=Value(k)) for d, k in edges]
    return Case(*whens, default=Value("180+"))


def as_float(path: str) -> Cast:
    """Decimals as floats for arithmetic: SQLite keeps whole decimals as integers (integer division)."""
    return Cast(path, FloatField())


def midpoint(low: str, high: str) -> Any:
    return Coalesce((as_float(low) + as_float(high)) / Value(2.0), as_float(high), as_float(low))


# --- the dimensions ------------------------------------------------------------------------------


class GroupKey(Func):
    """A plain column used as a group key.

    Grouping by a bare indexed column, SQLite walks that index to get the groups in order and
    fetches every row from the table in index order: at 1,000,000 customers that was 10x slower
    than scanning the table and grouping in a temporary b-tree (pool by site 15 s, against
    1.5 s for a group by an unindexed column). A unary ``+`` keeps the index out of the GROUP BY
    only: a WHERE on the column, and a covering index for a plain count, are still used.
    PostgreSQL gets the bare column (it hashes the groups).
    """

    template = "%(expressions)s"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"+{sql}", params


def field_dim(key: str, label: Any, via: str, path: str, **kw: Any) -> Dim:
    """A plain column of the customer (``via="c"``), the unit (``"u"``), the contract (``"k"``)
    or the row itself (``""``)."""

    def expr(s: Source) -> Any:
        return GroupKey(F((s.paths.get(via, "") if via else "") + path))

    return Dim(key, label, expr, **kw)


def _bedroom_names(values: Iterable[Any]) -> dict[Any, str]:
    return {v: str(_("%(n)s bedrooms") % {"n": v}) for v in values if v is not None}


def _floor_names(values: Iterable[Any]) -> dict[Any, str]:
    return {v: str(_("floors %(range)s") % {"range": v}) for v in values if v}


def _idle_names(values: Iterable[Any]) -> dict[Any, str]:
    return {v: str(_("%(range)s days") % {"range": v}) for v in values if v}


C, U, K = "c", "u", "k"
D: dict[str, Dim] = {
    d.key: d
    for d in [
        field_dim("source", _("source"), C, "source_id", names=_source_names, link="source"),
        Dim("age-band", _("age band"), lambda s: age_band(s.c + "birth_date"), order=AGE_ORDER),
        field_dim("income-band", _("income band"), C, "income_band", names=choice_names(IncomeBand.choices),
                  order=IncomeBand.values),
        field_dim("occupation", _("occupation"), C, "occupation", top=15),
        field_dim("district", _("home district"), C, "district", top=20),
        field_dim("interest", _("interest"), C, "interests__name", top=20),
        field_dim("gender", _("gender"), C, "gender", names=choice_names(Gender.choices), order=Gender.values),
        field_dim("status", _("customer status"), C, "status", names=choice_names(CustomerStatus.choices),
                  order=CustomerStatus.values, link="status"),
        field_dim("site", _("site"), C, "site_id", names=_site_names, link="site"),
        field_dim("project", _("project"), C, "site__project_id", names=_project_names),
        field_dim("salesperson", _("salesperson"), C, "owner_id", names=_user_names, top=30, link="owner"),
        field_dim("team", _("team"), C, "owner__agency_id", names=_agency_names),
        Dim("buyer", _("buyers and non-buyers"),
            lambda s: Case(When(**{f"{s.c}status__in": DEAL_STATUSES}, then=Value("buyer")),
                           default=Value("non_buyer")),
            names=choice_names([("buyer", _("Buyers")), ("non_buyer", _("Non-buyers"))]),
            order=["buyer", "non_buyer"]),
        field_dim("level", _("intention level"), C, "intent_level", names=choice_names(IntentionLevel.choices),
                  order=IntentionLevel.values, link="level"),
        field_dim("purpose", _("purpose"), C, "intent_purpose", names=choice_names(Purpose.choices),
                  order=Purpose.values),
        field_dim("bedrooms", _("bedrooms"), C, "intent_bedrooms", names=_bedroom_names, chrono=True),
        field_dim("floor-preference", _("floor preference"), C, "intent_floor"),
        Dim("budget-band", _("budget"),
            lambda s: _null_aware(s.c + "intent_budget_max",
                                  midpoint(s.c + "intent_budget_min", s.c + "intent_budget_max"),
                                  BUDGET_EDGES, BUDGET_LAST), order=BUDGET_ORDER),
        Dim("area-band", _("desired area"),
            lambda s: _null_aware(s.c + "intent_area_max",
                                  midpoint(s.c + "intent_area_min", s.c + "intent_area_max"),
                                  AREA_EDGES, AREA_LAST), order=AREA_ORDER),
        Dim("idle", _("days since the last follow-up"), lambda s: idle_band(s.c + "last_touched_at"),
            names=_idle_names, order=IDLE_ORDER),
        # units (the unit itself, or a deal's unit)
        field_dim("layout", _("layout"), U, "layout"),
        field_dim("unit-bedrooms", _("bedrooms"), U, "bedrooms", names=_bedroom_names, chrono=True),
        field_dim("building", _("building"), U, "building_id", names=_building_names),
        field_dim("unit-project", _("project"), U, "project_id", names=_project_names),
        field_dim("unit-status", _("unit status"), U, "status", names=choice_names(UnitStatus.choices),
                  order=UnitStatus.values),
        Dim("unit-area-band", _("area"), lambda s: _null_aware(s.u + "area", F(s.u + "area"), AREA_EDGES,
                                                             AREA_LAST), order=AREA_ORDER),
        Dim("price-band", _("total price"),
            lambda s: _null_aware(s.u + "total_price", F(s.u + "total_price"), BUDGET_EDGES, BUDGET_LAST),
            order=BUDGET_ORDER),
        Dim("floor-band", _("floor"), lambda s: _null_aware(s.u + "floor", F(s.u + "floor"), FLOOR_EDGES,
                                                          FLOOR_LAST), names=_floor_names, order=FLOOR_ORDER),
        # deals and activities (columns of the row itself)
        field_dim("kind", pgettext_lazy("follow-up", "kind"), "", "kind", names=choice_names(ActivityKind.choices), order=ActivityKind.values),
        field_dim("by", _("salesperson"), "", "user_id", names=_user_names, top=30),
        field_dim("by-team", _("team"), "", "user__agency_id", names=_agency_names),
        field_dim("payment-method", _("payment method"), K, "payment_method",
                  names=choice_names(PaymentMethod.choices), order=PaymentMethod.values),
        field_dim("channel", _("payment channel"), "", "method", names=choice_names(PaymentChannel.choices),
                  order=PaymentChannel.values),
        Dim("ageing", _("ageing"), lambda s: ageing_band("due_date"), names=choice_names(list(AGEING_NAMES.items())),
            order=AGEING_ORDER),
    ]
}  # fmt: skip


class YearMonth(Func):
    """``YYYY-MM`` of a datetime in the current time zone (or of a date) with the database's own
    functions: Django's ``TruncMonth`` calls a Python function per row on SQLite (about 20 s a
    million rows). The zone's offset is taken now: Asia/Shanghai has no daylight saving."""

    output_field = CharField()

    def __init__(self, expression: Any, *, is_date: bool = False) -> None:
        self.is_date = is_date
        super().__init__(expression)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        sql, params = compiler.compile(self.source_expressions[0])
        if self.is_date:
            return f"strftime('%%Y-%%m', {sql})", params
        minutes = int(timezone.localtime().utcoffset().total_seconds() // 60)
        return f"strftime('%%Y-%%m', {sql}, '{minutes:+d} minutes')", params

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:  # PostgreSQL
        sql, params = compiler.compile(self.source_expressions[0])
        if self.is_date:
            return f"to_char({sql}, 'YYYY-MM')", params
        return f"to_char({sql} AT TIME ZONE %s, 'YYYY-MM')", [*params, timezone.get_current_timezone_name()]


def month(s: Source) -> Any:
    return YearMonth(s.date, is_date=s.date.endswith("_date"))


D["month"] = Dim("month", _("month"), month, chrono=True)
