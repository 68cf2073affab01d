"""Where demand and supply meet: intentions against unsold units (the positioning report).

Each report puts the customers wanting a product (by bedrooms, area band or price band)
next to the units of that product still for sale; the gap says which products are short
and which are oversupplied.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..dims import D
from ..registry import Part, Ratio, Report, count, register
from .common import SOLD, has_intention

DEMAND = count("demand", _("Customers wanting it"))
SUPPLY = count("supply", _("Units for sale"))
SOLD_UNITS = count("sold", _("Units sold"))


def _unsold(s):  # noqa: ANN001, ANN202
    return ~Q(**{f"{s.u}status__in": SOLD})


def _sold(s):  # noqa: ANN001, ANN202
    return Q(**{f"{s.u}status__in": SOLD})


PAIRS = [  # (slug, demand dimension, supply dimension, title)
    ("positioning-by-bedrooms", "bedrooms", "unit-bedrooms", _("Demand and supply by bedrooms")),
    ("positioning-by-area-band", "area-band", "unit-area-band", _("Demand and supply by area")),
    ("positioning-by-price-band", "budget-band", "price-band", _("Demand and supply by price (budget vs total price)")),
]  # fmt: skip

register(
    *[
        Report(
            slug, title, "positioning",
            parts=(Part("customers", D[demand], DEMAND, has_intention), Part("units", D[supply], SUPPLY, _unsold),
                   Part("units", D[supply], SOLD_UNITS, _sold)),
            measures=(Ratio("cover", _("Units for sale per interested customer"), "supply", "demand",
                            percent=False, kind="number"),),
            description=_("Customers whose intention matches a product, next to the units of that product "
                          "still for sale: few units per customer means the product is short, many means it is "
                          "oversupplied."),
        )
        for slug, demand, supply, title in PAIRS
    ]
)  # fmt: skip
