"""Pool and follow-up discipline: who lets customers go idle, what goes to the pool, who claims."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..dims import D, field_dim
from ..registry import Ratio, Report, by_title, count, register
from .common import CUSTOMERS

IN_POOL = count("in_pool", _("In the pool"), q=lambda s: Q(in_pool=True))
POOL_SHARE = Ratio("pool_share", _("In the pool (%)"), "in_pool", "customers")
OVERDUE = count("overdue", _("Follow-ups overdue"), q=lambda s: Q(next_action_at__lt=timezone.now()))
OVERDUE_SHARE = Ratio("overdue_share", _("Overdue (%)"), "overdue", "customers")
FOLLOW_UPS = count("count", _("Follow-ups"))
CUSTOMERS_FOLLOWED = count("customers", _("Customers followed up"), distinct="customer_id")
PER_CUSTOMER = Ratio("per_customer", _("Follow-ups per customer"), "count", "customers", percent=False,
                     kind="number")  # fmt: skip
CLAIMS = count("count", _("Claims from the pool"))
CLAIMER = field_dim("claimer", _("salesperson"), "", "user_id", names=D["by"].names, top=30)
CLAIM_SITE = field_dim("claim-site", _("site"), "", "site_id", names=D["site"].names)


def _open(s):  # noqa: ANN001, ANN202
    return Q(status__in=["lead", "visited"], in_pool=False)


register(
    Report("pool-by-site", by_title(_("Public pool"), D["site"]), "discipline", dims=(D["site"],),
           measures=(CUSTOMERS, IN_POOL, POOL_SHARE)),
    Report("overdue-follow-ups-by-salesperson", by_title(_("Overdue follow-ups"), D["salesperson"]), "discipline",
           dims=(D["salesperson"],), measures=(CUSTOMERS, OVERDUE, OVERDUE_SHARE), where=lambda s: Q(in_pool=False)),
    Report("idle-customers", by_title(_("Customers in progress"), D["idle"]), "discipline", dims=(D["idle"],),
           measures=(CUSTOMERS,), where=_open,
           description=_("Leads and visitors not in the pool, by the days since someone last followed them up.")),
    Report("idle-customers-by-site", by_title(_("Customers in progress"), D["site"], D["idle"]), "discipline",
           dims=(D["site"], D["idle"]), measures=(CUSTOMERS,), chart="heatmap", where=_open),
    Report("follow-ups-by-salesperson", by_title(_("Follow-ups"), D["by"]), "discipline", source="activities",
           dims=(D["by"],), measures=(FOLLOW_UPS, CUSTOMERS_FOLLOWED, PER_CUSTOMER)),
    Report("pool-claims-by-site", by_title(_("Claims from the pool"), CLAIM_SITE), "discipline", source="claims",
           dims=(CLAIM_SITE,), measures=(CLAIMS,)),
    Report("pool-claims-by-salesperson", by_title(_("Claims from the pool"), CLAIMER), "discipline",
           source="claims", dims=(CLAIMER,), measures=(CLAIMS,)),
)  # fmt: skip
