"""ECharts options for a report's table: plain JSON the page hands to ``echarts.setOption``."""

from __future__ import annotations

from typing import Any

from .engine import Table

PALETTE = ["#2f6fde", "#f2a93b", "#3bb273", "#e15554", "#7768ae", "#4d9de0", "#e1bc29", "#5c6b73",
           "#c44536", "#1b998b"]  # fmt: skip


def _base() -> dict[str, Any]:
    return {"color": PALETTE, "tooltip": {}, "grid": {"left": 60, "right": 40, "top": 40, "bottom": 80}}


def _value_columns(table: Table) -> list[int]:
    return [i for i, kind in enumerate(table.kinds) if kind not in ("label",)]


def _axis_chart(table: Table, kind: str) -> dict[str, Any]:
    option = _base()
    labels = [row[0] for row in table.rows]
    series, percent_axis = [], False
    for i in _value_columns(table):
        is_percent = table.kinds[i] in ("percent", "number")  # rates and averages: a line on the right axis
        percent_axis = percent_axis or table.kinds[i] == "percent"
        series.append(
            {
                "name": table.columns[i],
                "type": "line" if is_percent or kind == "line" else "bar",
                "yAxisIndex": 1 if is_percent and len(table.columns) > 2 else 0,
                "data": [row[i] for row in table.rows],
                "smooth": kind == "line",
            }
        )
    if any(s["yAxisIndex"] for s in series):
        right = {"type": "value", "splitLine": {"show": False}}
        if percent_axis and all(
            table.kinds[i] == "percent"
            for i in _value_columns(table)
            if table.kinds[i] != "int" and table.kinds[i] != "money"
        ):
            right["axisLabel"] = {"formatter": "{value}%"}
        y_axis = [{"type": "value"}, right]
    else:
        y_axis = [{"type": "value"}]
    option.update(
        tooltip={"trigger": "axis"},
        legend={"top": 0, "type": "scroll"},
        xAxis={"type": "category", "data": labels, "axisLabel": {"rotate": 30 if len(labels) > 8 else 0}},
        yAxis=y_axis,
        series=series,
    )
    return option


def _pie(table: Table) -> dict[str, Any]:
    option = _base()
    value = _value_columns(table)[0]
    option.update(
        tooltip={"trigger": "item", "formatter": "{b}: {c} ({d}%)"},
        legend={"type": "scroll", "bottom": 0},
        series=[
            {
                "name": table.columns[value],
                "type": "pie",
                "radius": ["35%", "65%"],
                "data": [{"name": row[0], "value": row[value]} for row in table.rows],
            }
        ],
    )
    return option


def _funnel(table: Table) -> dict[str, Any]:
    option = _base()
    option.update(
        tooltip={"trigger": "item", "formatter": "{b}: {c}"},
        series=[
            {
                "name": table.columns[1],
                "type": "funnel",
                "sort": "none",
                "left": "10%",
                "width": "80%",
                "label": {"show": True, "position": "inside", "formatter": "{b}: {c}"},
                "data": [{"name": row[0], "value": row[1]} for row in table.rows],
            }
        ],
    )
    return option


def _cross_columns(table: Table) -> list[int]:
    """A cross-tab's value columns (the total column left out)."""
    return list(range(1, 1 + len(table.col_keys)))


def _stacked(table: Table) -> dict[str, Any]:
    option = _base()
    labels = [row[0] for row in table.rows]
    option.update(
        tooltip={"trigger": "axis", "axisPointer": {"type": "shadow"}},
        legend={"top": 0, "type": "scroll"},
        xAxis={"type": "category", "data": labels, "axisLabel": {"rotate": 30 if len(labels) > 8 else 0}},
        yAxis={"type": "value"},
        series=[
            {
                "name": table.columns[i],
                "type": "bar",
                "stack": "total",
                "data": [row[i] for row in table.rows],
            }
            for i in _cross_columns(table)
        ],
    )
    return option


def _heatmap(table: Table) -> dict[str, Any]:
    option = _base()
    cols = _cross_columns(table)
    data = [[x, y, table.rows[y][i]] for y in range(len(table.rows)) for x, i in enumerate(cols)]
    top = max([v for _x, _y, v in data if v is not None] or [0])
    option.update(
        tooltip={"position": "top"},
        grid={"left": 120, "right": 40, "top": 20, "bottom": 110},
        xAxis={"type": "category", "data": [table.columns[i] for i in cols], "splitArea": {"show": True},
               "axisLabel": {"rotate": 30 if len(cols) > 6 else 0}},
        yAxis={"type": "category", "data": [row[0] for row in table.rows], "splitArea": {"show": True},
               "inverse": True},  # rows top to bottom, as in the table
        visualMap={"min": 0, "max": top or 1, "calculable": True, "orient": "horizontal", "left": "center",
                   "bottom": 0, "inRange": {"color": ["#f4f8ff", "#2f6fde"]}},
        series=[{"type": "heatmap", "data": data, "label": {"show": len(data) <= 80}}],
    )  # fmt: skip
    return option


def scatter(points: list[dict[str, Any]], x_name: str, y_name: str) -> dict[str, Any]:
    """Segments: x and y of each centroid, the bubble's size by its share."""
    option = _base()
    option.update(
        tooltip={"trigger": "item"},
        xAxis={"type": "value", "name": x_name, "scale": True},
        yAxis={"type": "value", "name": y_name, "scale": True},
        series=[
            {
                "type": "scatter",
                "data": [
                    {
                        "name": p["label"],
                        "value": [p["x"], p["y"]],
                        "symbolSize": max(12, min(80, p["share"] * 2)),
                    }
                    for p in points
                ],
                "label": {"show": True, "position": "top", "formatter": "{b}", "fontSize": 11},
            }
        ],
    )
    return option


def option_for(table: Table, chart: str) -> dict[str, Any]:
    if not table.rows:
        return {**_base(), "title": {"text": "—", "left": "center", "top": "middle"}, "series": []}
    if chart == "pie":
        return _pie(table)
    if chart == "funnel":
        return _funnel(table)
    if table.pivot:
        return _heatmap(table) if chart == "heatmap" else _stacked(table)
    return _axis_chart(table, chart)
