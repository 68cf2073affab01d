"""Channel effectiveness: customers, visits and deals per source; in-house vs agency."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..dims import D
from ..registry import Part, Ratio, Report, count, register, total
from .common import VISIT_KINDS, has_intention

CUSTOMERS = count("customers", _("Customers"))
VISITS = count("visits", _("Visits"))
SUBSCRIPTIONS = count("subscriptions", _("Subscriptions"))
CONTRACTS = count("contracts", _("Contracts"))
VALUE = total("value", _("Contract value"), "price")
INTENTIONS_A = count("level_a", _("A-level intentions"))


def _visits(s):  # noqa: ANN001, ANN202
    return Q(kind__in=VISIT_KINDS)


def _live(s):  # noqa: ANN001, ANN202
    return ~Q(status="cancelled")


def _signed(s):  # noqa: ANN001, ANN202
    return Q(status="active")


def _level_a(s):  # noqa: ANN001, ANN202
    return has_intention(s) & Q(intent_level="A")


def _effectiveness(slug: str, title: object, customer_dim: str, activity_dim: str) -> Report:
    dim, adim = D[customer_dim], D[activity_dim]
    return Report(
        slug, title, "channels",
        parts=(Part("customers", dim, CUSTOMERS), Part("customers", dim, INTENTIONS_A, _level_a),
               Part("activities", adim, VISITS, _visits), Part("subscriptions", dim, SUBSCRIPTIONS, _live),
               Part("contracts", dim, CONTRACTS, _signed), Part("contracts", dim, VALUE, _signed)),
        measures=(Ratio("visits_per_customer", _("Visits per customer"), "visits", "customers", percent=False,
                        kind="number"),
                  Ratio("conversion", _("Contracts per customer (%)"), "contracts", "customers")),
    )  # fmt: skip


register(
    _effectiveness("channel-effectiveness", _("Channel effectiveness by source"), "source", "source"),
    _effectiveness("channel-in-house-vs-agency", _("In-house vs agency"), "team", "team"),
    _effectiveness("channel-effectiveness-by-site", _("Channel effectiveness by site"), "site", "site"),
)
