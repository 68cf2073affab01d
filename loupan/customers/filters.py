"""The customer list's filters, shared by the API and the list page (pass ``request``)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _

from loupan.org.models import Site, User

from .choices import CustomerStatus, IntentionLevel
from .models import Customer, SourceChannel


def _scoped_users(request: Any):  # noqa: ANN202
    if request is None:
        return User.objects.none()
    return User.objects.visible_to(request.user).order_by("full_name", "username")


def _scoped_sites(request: Any):  # noqa: ANN202
    if request is None:
        return Site.objects.none()
    return Site.objects.visible_to(request.user)


class CustomerFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CustomerStatus.choices, label=_("status"))
    level = django_filters.ChoiceFilter(
        field_name="intent_level", choices=IntentionLevel.choices, label=_("level")
    )
    source = django_filters.ModelChoiceFilter(
        queryset=SourceChannel.objects.all(), to_field_name="code", label=_("source")
    )
    # Choices come from the caller's scope, so an id outside it is refused exactly
    # like an id that does not exist (no way to probe which users or sites exist).
    owner = django_filters.ModelChoiceFilter(queryset=_scoped_users, label=_("owner"))
    site = django_filters.ModelChoiceFilter(queryset=_scoped_sites, label=_("site"))
    in_pool = django_filters.BooleanFilter(label=_("in pool"))

    class Meta:
        model = Customer
        fields = ["status", "level", "source", "owner", "site", "in_pool"]

    @staticmethod
    def to_lookups(cleaned: dict[str, Any]) -> dict[str, Any]:
        """Cleaned filter values as ORM lookups for ``customer_list``."""
        names = {
            "status": "status",
            "level": "intent_level",
            "source": "source",
            "owner": "owner",
            "site": "site",
        }
        return {names[k]: v for k, v in cleaned.items() if k in names and v not in (None, "")}
