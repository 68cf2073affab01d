"""The customer list's filters, shared by the API and the list page."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _

from loupan.org.models import Site, User

from .choices import CustomerStatus, IntentionLevel
from .models import Customer, SourceChannel


class CustomerFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CustomerStatus.choices, label=_("status"))
    level = django_filters.ChoiceFilter(
        field_name="intent_level", choices=IntentionLevel.choices, label=_("level")
    )
    source = django_filters.ModelChoiceFilter(
        queryset=SourceChannel.objects.all(), to_field_name="code", label=_("source")
    )
    owner = django_filters.ModelChoiceFilter(queryset=User.objects.all(), label=_("owner"))
    site = django_filters.ModelChoiceFilter(queryset=Site.objects.all(), label=_("site"))
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
