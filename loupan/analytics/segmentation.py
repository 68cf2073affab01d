"""Purchase-intention segments: k-means (scikit-learn) on budget, area, bedrooms, age and purpose.

The number of segments is chosen by the data (the best silhouette for k = 2..8, where two
must win by 0.1) unless the caller asks for one. Budgets and areas are clustered on a log
scale. Above ``SAMPLE_SIZE`` intentions an evenly spread sample
(every n-th id, chosen in SQL) is clustered; sizes are the sample's shares of the whole.
Each segment gets a plain-language label from its centre: "young families, 2-3 million,
3 bedrooms, self-use".
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Mod
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from loupan.customers.choices import Purpose

SAMPLE_SIZE = 50_000
SILHOUETTE_SAMPLE = 2_000
K_RANGE = range(2, 9)
TWO_MARGIN = 0.1  # silhouette points by which k=2 must beat the best larger k
K_MAX = 10
PURPOSES = [p for p in Purpose.values]
PURPOSE_WEIGHT = 0.7  # the one-hot purpose columns count a little less than the numbers
COLUMNS = ["intent_budget_min", "intent_budget_max", "intent_area_min", "intent_area_max", "intent_bedrooms",
           "birth_date", "intent_purpose"]  # fmt: skip


@dataclass
class Result:
    segments: list[dict[str, Any]]
    k: int
    intentions: int
    sample_size: int
    silhouette: float | None
    seconds: float
    computed_at: Any = field(default_factory=timezone.now)


def clusterable(qs: QuerySet) -> QuerySet:
    """Intentions with at least a budget and a number of bedrooms."""
    return qs.filter(Q(intent_budget_max__isnull=False) | Q(intent_budget_min__isnull=False)).filter(
        intent_bedrooms__isnull=False
    )


def _sample(qs: QuerySet, n: int) -> QuerySet:
    if n <= SAMPLE_SIZE:
        return qs
    step = math.ceil(n / SAMPLE_SIZE)
    return qs.alias(_bucket=Mod(F("pk"), step)).filter(_bucket=0)


def _matrix(qs: QuerySet) -> tuple[np.ndarray, np.ndarray]:
    """Rows of [budget 万, area m², bedrooms, age] (NaN where missing) and purpose codes."""
    today = timezone.localdate()
    rows = list(qs.order_by().values_list(*COLUMNS))
    if not rows:
        return np.empty((0, 4)), np.empty(0, dtype=int)

    def mid(lo: Any, hi: Any) -> float:
        values = [float(v) for v in (lo, hi) if v is not None]
        return sum(values) / len(values) if values else math.nan

    purpose_index = {p: i for i, p in enumerate(PURPOSES)}
    numbers = np.array(
        [
            (mid(r[0], r[1]) / 10_000, mid(r[2], r[3]), float(r[4]),
             (today - r[5]).days / 365.25 if r[5] else math.nan)
            for r in rows
        ],
        dtype=float,
    )  # fmt: skip
    purposes = np.array([purpose_index.get(r[6], -1) for r in rows], dtype=int)
    return numbers, purposes


def _features(numbers: np.ndarray, purposes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Impute missing numbers with the median, standardise, append weighted one-hot purposes."""
    medians = np.nanmedian(numbers, axis=0)
    medians = np.where(np.isnan(medians), 0.0, medians)
    filled = np.where(np.isnan(numbers), medians, numbers)
    scaled = filled.copy()
    scaled[:, :2] = np.log(np.maximum(scaled[:, :2], 1.0))  # budgets and areas: ratios matter, not sums
    mean, std = scaled.mean(axis=0), scaled.std(axis=0)
    std = np.where(std == 0, 1.0, std)
    onehot = np.zeros((len(purposes), len(PURPOSES)))
    known = purposes >= 0
    onehot[np.arange(len(purposes))[known], purposes[known]] = PURPOSE_WEIGHT
    return np.hstack([(scaled - mean) / std, onehot]), filled, medians


def _fit(x: np.ndarray, k: int | None) -> tuple[Any, np.ndarray, float | None]:
    # One thread: on a busy machine OpenMP's spinning threads made each fit 20-50x slower. The
    # limit applies to libraries already loaded, so scikit-learn is imported first.
    import sklearn.cluster  # noqa: F401
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _fit_each(x, k)


def _fit_each(x: np.ndarray, k: int | None) -> tuple[Any, np.ndarray, float | None]:
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    candidates = [min(max(2, k), K_MAX)] if k else list(K_RANGE)
    candidates = [c for c in candidates if c < len(x)] or [1]
    best = None
    for c in candidates:
        model = KMeans(n_clusters=c, n_init=3, random_state=0).fit(x)
        score = None
        if c > 1 and len(set(model.labels_)) > 1:
            score = float(silhouette_score(x, model.labels_, sample_size=min(SILHOUETTE_SAMPLE, len(x)),
                                           random_state=0))  # fmt: skip
        if best is None or (score is not None and (best[2] is None or score > best[2] + _margin(c, best))):
            best = (model, model.labels_, score)
    return best


def _margin(k: int, best: tuple) -> float:
    """Two segments rarely guide a product decision: a larger k wins unless two is clearly better."""
    return -TWO_MARGIN if best[0].n_clusters == 2 and k > 2 else 0.0


def _budget_text(wan: float) -> str:
    millions = wan / 100
    step = 0.5 if millions < 2 else (1 if millions < 6 else 2)
    low = math.floor(millions / step) * step
    high = low + step
    if (get_language() or "").startswith("zh"):
        return f"{low * 100:g}-{high * 100:g}万"
    return _("%(low)s-%(high)s million") % {"low": f"{low:g}", "high": f"{high:g}"}


def label_for(budget_wan: float, bedrooms: float, age: float, purpose: str) -> str:
    """ "young families, 2-3 million, 3 bedrooms, self-use"."""
    rooms = max(1, round(bedrooms))
    if purpose == "investment":
        who = _("investors")
    elif age < 33:
        who = _("young families") if rooms >= 3 else _("young couples and singles")
    elif age < 50:
        who = _("established families") if rooms >= 3 else _("mid-career couples and singles")
    else:
        who = _("mature buyers")
    purpose_text = dict(Purpose.choices).get(purpose, "")
    return _("%(who)s, %(budget)s, %(rooms)s bedrooms, %(purpose)s") % {
        "who": who, "budget": _budget_text(budget_wan), "rooms": rooms, "purpose": str(purpose_text).lower()}  # fmt: skip


def compute(qs: QuerySet, *, k: int | None = None) -> Result:
    """Segments of the intentions in ``qs`` (already scoped by the caller)."""
    started = time.perf_counter()
    base = clusterable(qs)
    n = base.count()
    numbers, purposes = _matrix(_sample(base, n))
    if len(numbers) < 2:
        return Result([], 0, n, len(numbers), None, time.perf_counter() - started)
    x, filled, _medians = _features(numbers, purposes)
    model, labels, score = _fit(x, k)
    segments = []
    for c in range(model.n_clusters):
        members = labels == c
        size = int(members.sum())
        if not size:
            continue
        centre = filled[members].mean(axis=0)
        codes = purposes[members]
        codes = codes[codes >= 0]
        purpose = PURPOSES[int(np.bincount(codes).argmax())] if len(codes) else ""
        share = size / len(labels)
        segments.append({
            "label": label_for(centre[0], centre[2], centre[3], purpose),
            "size": round(share * n),
            "share": round(share * 100, 1),
            "centroid": {"budget": round(centre[0] * 10_000, 2), "area": round(centre[1], 1),
                         "bedrooms": round(centre[2], 1), "age": round(centre[3], 1), "purpose": purpose},
        })  # fmt: skip
    segments.sort(key=lambda s: -s["size"])
    return Result(segments, model.n_clusters, n, len(labels), score, round(time.perf_counter() - started, 2))
