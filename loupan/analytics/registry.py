"""The report registry: each report is a small declarative definition.

A report names its source (customers, activities, contracts, units...), up to two
dimensions, its measures (database aggregates, plus ratios and shares worked out on the
aggregated rows), an optional condition and its default chart. The category modules in
``loupan.analytics.reports`` build families of them from compact tables and register
them here; ``loupan.analytics.engine`` runs them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Aggregate, Avg, Count, Q, Sum
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .dims import Dim
from .sources import Source

CHARTS = ("bar", "stacked", "line", "pie", "heatmap", "funnel", "scatter")
CATEGORIES = {
    "profiles": _("Customer profiles"),
    "intentions": _("Purchase intentions"),
    "positioning": _("Demand and supply"),
    "sales": _("Visits and conversion"),
    "deals": _("Subscriptions, contracts and prices"),
    "inventory": _("Sell-through"),
    "finance": _("Payments and receivables"),
    "channels": _("Channels"),
    "discipline": _("Pool and follow-up discipline"),
}


@dataclass(frozen=True)
class Measure:
    """A database aggregate over the source's rows; ``kind`` is int, money or number."""

    key: str
    label: Any
    agg: Callable[[Source], Aggregate]
    kind: str = "int"
    additive: bool = True


@dataclass(frozen=True)
class Ratio:
    """``num / den`` of two measures of the same row (in percent unless ``percent=False``)."""

    key: str
    label: Any
    num: str
    den: str
    percent: bool = True
    kind: str = "percent"


@dataclass(frozen=True)
class Share:
    """A measure's share of its column total, in percent."""

    key: str
    label: Any
    of: str
    kind: str = "percent"


@dataclass(frozen=True)
class Part:
    """One side of a comparison report: a measure of another source on a matching dimension."""

    source: str
    dim: Dim
    measure: Measure
    where: Callable[[Source], Q] | None = None


@dataclass(frozen=True)
class Report:
    slug: str
    title: Any
    category: str
    source: str = "customers"
    dims: tuple[Dim, ...] = ()
    measures: tuple[Any, ...] = ()
    chart: str = "bar"
    where: Callable[[Source], Q] | None = None
    description: Any = ""
    stages: bool = False  # no dimension: each measure is a row (a funnel)
    parts: tuple[Part, ...] = field(default_factory=tuple)  # a comparison of sources on one dimension

    def __post_init__(self) -> None:
        assert self.chart in CHARTS, self.chart
        assert self.category in CATEGORIES, self.category
        assert len(self.dims) <= 2


REGISTRY: dict[str, Report] = {}


def register(*reports: Report) -> None:
    for report in reports:
        if report.slug in REGISTRY:
            raise ValueError(f"two reports named {report.slug}")
        REGISTRY[report.slug] = report


# --- common measures ---------------------------------------------------------------------------


def count(key: str = "count", label: Any = None, q: Callable[[Source], Q] | None = None,
          distinct: str | None = None) -> Measure:  # fmt: skip
    """Rows (or distinct ``distinct`` values), optionally only those matching ``q``."""

    def agg(s: Source) -> Aggregate:
        target = distinct or "id"
        return Count(target, filter=q(s) if q else None, distinct=bool(distinct))

    return Measure(key, label or _("count"), agg)


def total(key: str, label: Any, path: str, q: Callable[[Source], Q] | None = None) -> Measure:
    return Measure(key, label, lambda s: Sum(path, filter=q(s) if q else None), kind="money")


def average(key: str, label: Any, expr: Any, kind: str = "money") -> Measure:
    def agg(s: Source) -> Aggregate:
        return Avg(expr(s) if callable(expr) else expr)

    return Measure(key, label, agg, kind=kind, additive=False)


def _title(measure: Any, dim: Any, dim2: Any = None) -> str:
    if dim2 is None:
        return gettext("%(measure)s by %(dim)s") % {"measure": measure, "dim": dim}
    return gettext("%(measure)s by %(dim)s and %(dim2)s") % {"measure": measure, "dim": dim, "dim2": dim2}


_lazy_title = lazy(_title, str)


def by_title(measure_label: Any, *dims: Dim) -> Any:
    """ "Customers by source", "Customers by age band and income band" (translated when shown)."""
    return _lazy_title(measure_label, *[d.label for d in dims])
