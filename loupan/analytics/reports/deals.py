"""Subscriptions, contracts and contract value; average prices and discounts; reservations."""

from __future__ import annotations

from django.db.models import Max, Q
from django.utils.translation import gettext_lazy as _

from loupan.sales.choices import SubscriptionStatus

from ..dims import D, as_float, choice_names, field_dim
from ..registry import Measure, Report, average, by_title, count, register, total

SUBSCRIPTIONS = count("count", _("Subscriptions"))
SUBSCRIPTION_VALUE = total("value", _("Subscription value"), "price")
CONTRACTS = count("count", _("Contracts"))
CONTRACT_VALUE = total("value", _("Contract value"), "price")
AVG_PRICE = average("avg_price", _("Average contract price"), "price")
AVG_UNIT_PRICE = average(
    "avg_unit_price", _("Average price per m²"), lambda s: as_float("price") / as_float("unit__area")
)
AVG_LIST_PRICE = average("avg_list_price", _("Average list price"), "list_price")
AVG_DISCOUNT = average("avg_discount", _("Average discount (%)"), "discount_percent", kind="number")
MAX_DISCOUNT = Measure("max_discount", _("Largest discount (%)"), lambda s: Max("discount_percent"),
                       kind="number", additive=False)  # fmt: skip
RESERVATIONS = count("count", _("Reservations"))
DEPOSITS = total("deposits", _("Deposits"), "deposit")
SUB_STATUS = field_dim("subscription-status", _("subscription status"), "", "status",
                       names=choice_names(SubscriptionStatus.choices), order=SubscriptionStatus.values)  # fmt: skip


def _signed(s):  # noqa: ANN001, ANN202
    return Q(status="active")


def _live(s):  # noqa: ANN001, ANN202
    return ~Q(status="cancelled")


SUB_DIMS = {"month": "line", "unit-project": "bar", "layout": "bar", "salesperson": "bar", "source": "bar"}
CONTRACT_DIMS = {"month": "line", "unit-project": "bar", "salesperson": "bar", "payment-method": "pie",
                 "layout": "bar", "source": "bar", "team": "bar", "price-band": "bar"}  # fmt: skip
PRICE_DIMS = {"unit-project": "bar", "layout": "bar", "month": "line", "floor-band": "bar"}
DISCOUNT_DIMS = {"unit-project": "bar", "salesperson": "bar", "month": "line"}

register(
    *[
        Report(f"subscriptions-by-{key}", by_title(_("Subscriptions"), D[key]), "deals", source="subscriptions",
               dims=(D[key],), measures=(SUBSCRIPTIONS, SUBSCRIPTION_VALUE), chart=chart, where=_live)
        for key, chart in SUB_DIMS.items()
    ],
    Report("subscriptions-by-status", by_title(_("Subscriptions"), SUB_STATUS), "deals", source="subscriptions",
           dims=(SUB_STATUS,), measures=(SUBSCRIPTIONS, SUBSCRIPTION_VALUE), chart="pie"),
    *[
        Report(f"contracts-by-{key}", by_title(_("Contracts"), D[key]), "deals", source="contracts",
               dims=(D[key],), measures=(CONTRACTS, CONTRACT_VALUE), chart=chart, where=_signed)
        for key, chart in CONTRACT_DIMS.items()
    ],
    *[
        Report(f"prices-by-{key}", by_title(_("Average prices"), D[key]), "deals", source="contracts",
               dims=(D[key],), measures=(CONTRACTS, AVG_PRICE, AVG_UNIT_PRICE, AVG_LIST_PRICE), chart=chart,
               where=_signed)
        for key, chart in PRICE_DIMS.items()
    ],
    *[
        Report(f"discounts-by-{key}", by_title(_("Discounts"), D[key]), "deals", source="contracts",
               dims=(D[key],), measures=(CONTRACTS, AVG_DISCOUNT, MAX_DISCOUNT), chart=chart, where=_signed)
        for key, chart in DISCOUNT_DIMS.items()
    ],
    Report("reservations-by-project", by_title(_("Reservations"), D["project"]), "deals", source="reservations",
           dims=(field_dim("reservation-project", _("project"), "", "project_id", names=D["project"].names),),
           measures=(RESERVATIONS, DEPOSITS)),
)  # fmt: skip
