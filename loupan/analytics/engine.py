"""Runs a report definition: one grouped aggregate query per source, named in Python.

Only aggregated groups come back from the database (a few dozen rows, whatever the
number of customers); labels, ratios, shares, the pivot of a cross-tab and the order
of the rows are worked out on those groups.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F

from .dims import Dim, GroupKey
from .registry import Measure, Part, Ratio, Report, Share
from .sources import SOURCES, Filters, Source


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Any]]
    kinds: list[str]  # per column: label, int, money, number, percent
    keys: list[Any] = field(default_factory=list)  # the raw dimension value of each row
    col_keys: list[Any] = field(default_factory=list)  # cross-tabs: the raw value of each value column
    pivot: bool = False


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(round(value, 2))
    if isinstance(value, float):
        return round(value, 2)
    return value


def _base(report_source: str, where: Any, user: Any, filters: Filters) -> tuple[Source, Any]:
    source = SOURCES[report_source]
    qs = source.queryset(user, filters)
    if where is not None:
        qs = qs.filter(where(source))
    return source, qs


def _order(dim: Dim, keys: list[Any], first: dict[Any, Any]) -> list[Any]:
    if dim.order:
        pos = {v: i for i, v in enumerate(dim.order)}
        return sorted(keys, key=lambda k: (k in (None, ""), pos.get(k, len(pos)), str(k)))
    if dim.chrono:
        return sorted(keys, key=lambda k: (k is None or k == "", k if k not in (None, "") else 0))
    ordered = sorted(keys, key=lambda k: (k in (None, ""), -(first.get(k) or 0), str(k)))
    return ordered[: dim.top] if dim.top else ordered


def _derived(measures: tuple[Any, ...], values: list[dict[str, Any]]) -> None:
    """Ratios per row, shares of the column total: worked out on the aggregated rows."""
    for m in measures:
        if isinstance(m, Ratio):
            for row in values:
                num, den = row.get(m.num) or 0, row.get(m.den) or 0
                row[m.key] = (float(num) / float(den) * (100 if m.percent else 1)) if den else None
        elif isinstance(m, Share):
            whole = sum(float(row.get(m.of) or 0) for row in values)
            for row in values:
                row[m.key] = float(row.get(m.of) or 0) / whole * 100 if whole else None


def _counts_rows_only(aggregate: Any) -> bool:
    (target,) = aggregate.source_expressions[:1] or (None,)
    return (
        isinstance(aggregate, Count) and aggregate.filter is None and not aggregate.distinct
        and isinstance(target, F) and target.name == "id"
    )  # fmt: skip


def _key(dim: Dim, source: Source, aggregates: list[Any]) -> Any:
    """The dimension's group expression. When every aggregate only counts rows, a plain column
    stays bare, so that SQLite counts from a covering index; ``GroupKey`` is for aggregates
    that read the rows themselves."""
    expr = dim.expr(source)
    if isinstance(expr, GroupKey) and all(_counts_rows_only(a) for a in aggregates):
        return expr.source_expressions[0]
    return expr


def _grouped(report: Report, user: Any, filters: Filters) -> Table:
    dim = report.dims[0]
    source, qs = _base(report.source, report.where, user, filters)
    aggregates = {m.key: m.agg(source) for m in report.measures if isinstance(m, Measure)}
    key = _key(dim, source, list(aggregates.values()))
    groups = {g.pop("d0"): g for g in qs.values(d0=key).annotate(**aggregates).order_by()}
    return _finish(report, [dim], groups)


def _compared(report: Report, user: Any, filters: Filters) -> Table:
    groups: dict[Any, dict[str, Any]] = {}
    part: Part
    for part in report.parts:
        source, qs = _base(part.source, part.where, user, filters)
        aggregate = part.measure.agg(source)
        for g in qs.values(d0=_key(part.dim, source, [aggregate])).annotate(v=aggregate).order_by():
            groups.setdefault(g["d0"], {})[part.measure.key] = g["v"]
    for g in groups.values():
        for part in report.parts:
            g.setdefault(part.measure.key, 0)
    return _finish(report, [report.parts[0].dim], groups, measures=[p.measure for p in report.parts])


def _finish(report: Report, dims: list[Dim], groups: dict[Any, dict[str, Any]],
            measures: list[Any] | None = None) -> Table:  # fmt: skip
    dim = dims[0]
    measures = list(measures or []) + list(report.measures)
    first = next((m.key for m in measures if isinstance(m, Measure)), None)
    keys = _order(dim, list(groups), {k: g.get(first) for k, g in groups.items()})
    names = dim.names(keys) if dim.names else {}
    values = [dict(groups[k]) for k in keys]
    _derived(tuple(measures), values)
    rows = [
        [dim.label_of(k, names)] + [_plain(v.get(m.key)) for m in measures]
        for k, v in zip(keys, values, strict=True)
    ]
    return Table(
        columns=[str(dim.label).capitalize()] + [str(m.label) for m in measures],
        rows=rows,
        kinds=["label"] + [m.kind for m in measures],
        keys=keys,
    )


def _pivot(report: Report, user: Any, filters: Filters) -> Table:
    d0, d1 = report.dims
    measure = report.measures[0]
    source, qs = _base(report.source, report.where, user, filters)
    cells: dict[tuple[Any, Any], Any] = {}
    aggregate = measure.agg(source)
    keys = {"d0": _key(d0, source, [aggregate]), "d1": _key(d1, source, [aggregate])}
    for g in qs.values(**keys).annotate(v=aggregate).order_by():
        cells[(g["d0"], g["d1"])] = g["v"]
    row_tot: dict[Any, Any] = {}
    col_tot: dict[Any, Any] = {}
    for (a, b), v in cells.items():
        row_tot[a] = (row_tot.get(a) or 0) + (v or 0)
        col_tot[b] = (col_tot.get(b) or 0) + (v or 0)
    rkeys, ckeys = _order(d0, list(row_tot), row_tot), _order(d1, list(col_tot), col_tot)
    rnames = d0.names(rkeys) if d0.names else {}
    cnames = d1.names(ckeys) if d1.names else {}
    rows = []
    for a in rkeys:
        cols = [_plain(cells.get((a, b)) or 0) for b in ckeys]
        rows.append([d0.label_of(a, rnames), *cols] + ([_plain(row_tot[a])] if measure.additive else []))
    columns = [f"{str(d0.label).capitalize()} / {d1.label}"] + [d1.label_of(b, cnames) for b in ckeys]
    if measure.additive:
        columns.append(str(_total_label()))
    return Table(
        columns=columns,
        rows=rows,
        kinds=["label"] + [measure.kind] * (len(columns) - 1),
        keys=rkeys,
        col_keys=ckeys,
        pivot=True,
    )


def _total_label() -> Any:
    from django.utils.translation import gettext

    return gettext("Total")


def _stages(report: Report, user: Any, filters: Filters) -> Table:
    source, qs = _base(report.source, report.where, user, filters)
    totals = qs.aggregate(**{m.key: m.agg(source) for m in report.measures})
    rows = [[str(m.label), _plain(totals[m.key] or 0)] for m in report.measures]
    return Table(
        columns=[str(_stage_label()), str(_count_label())], rows=rows, kinds=["label", "int"],
        keys=[m.key for m in report.measures],
    )  # fmt: skip


def _stage_label() -> Any:
    from django.utils.translation import gettext

    return gettext("Stage")


def _count_label() -> Any:
    from django.utils.translation import gettext

    return gettext("Customers")


def run(report: Report, *, user: Any, filters: Filters | None = None) -> Table:
    """The report's table over the user's data scope and the filters."""
    filters = filters or Filters()
    if report.stages:
        return _stages(report, user, filters)
    if report.parts:
        return _compared(report, user, filters)
    if len(report.dims) == 2:
        return _pivot(report, user, filters)
    return _grouped(report, user, filters)
