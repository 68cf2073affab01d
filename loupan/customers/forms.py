"""Forms of the customer pages. They only shape input: every rule lives in the services
(loupan.customers.services, loupan.sales.services), whose typed errors are put back on
the form's fields by the views."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from loupan.org.models import Site, User
from loupan.sales.choices import ActivityKind

from .choices import Gender, IncomeBand, IntentionLevel, Purpose
from .models import Customer, SourceChannel

_TAG_SEPARATORS = re.compile(r"[,，、;；\n]+")

PROFILE_FIELDS = [
    "name", "phone", "id_number", "gender", "birth_date", "income_band", "occupation", "district",
    "source", "notes",
]  # fmt: skip
INTENTION_FIELDS = [
    "intent_level", "intent_purpose", "intent_budget_min", "intent_budget_max", "intent_area_min",
    "intent_area_max", "intent_bedrooms", "intent_floor",
]  # fmt: skip


def split_tags(raw: str) -> list[str]:
    """``"高尔夫, 教育、旅游"`` -> ``["高尔夫", "教育", "旅游"]``."""
    return [t.strip() for t in _TAG_SEPARATORS.split(raw or "") if t.strip()]


def _blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", "---------"), *choices]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class SourceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: SourceChannel) -> str:
        from django.utils.translation import get_language

        if (get_language() or "").startswith("en") and obj.name_en:
            return obj.name_en
        return obj.name


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class CustomerForm(forms.Form):
    """Create (with site and, for managers, owner) or edit a customer."""

    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none())
    owner = UserChoiceField(
        label=_("Owner"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Leave empty to own the customer yourself."),
    )
    name = forms.CharField(label=_("Name"), max_length=60)
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=30, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    id_number = forms.CharField(label=_("ID number"), max_length=30, required=False)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, initial=Gender.UNKNOWN)
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DateInput())
    income_band = forms.ChoiceField(
        label=_("Income band"), choices=_blank(IncomeBand.choices), required=False
    )
    occupation = forms.CharField(label=_("Occupation"), max_length=60, required=False)
    district = forms.CharField(label=_("Home district"), max_length=60, required=False)
    source = SourceChoiceField(
        label=_("Source"), queryset=SourceChannel.objects.filter(is_active=True), to_field_name="code"
    )
    interests = forms.CharField(
        label=_("Interests"),
        required=False,
        max_length=700,
        help_text=_("Separate tags with commas or 、"),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    intent_level = forms.ChoiceField(
        label=_("Intention level"), choices=_blank(IntentionLevel.choices), required=False
    )
    intent_purpose = forms.ChoiceField(label=_("Purpose"), choices=_blank(Purpose.choices), required=False)
    intent_budget_min = forms.DecimalField(
        label=_("Budget from (CNY)"), max_digits=14, decimal_places=2, required=False, min_value=0
    )
    intent_budget_max = forms.DecimalField(
        label=_("Budget to (CNY)"), max_digits=14, decimal_places=2, required=False, min_value=0
    )
    intent_area_min = forms.DecimalField(
        label=_("Area from (m²)"), max_digits=8, decimal_places=2, required=False, min_value=0
    )
    intent_area_max = forms.DecimalField(
        label=_("Area to (m²)"), max_digits=8, decimal_places=2, required=False, min_value=0
    )
    intent_bedrooms = forms.IntegerField(label=_("Bedrooms"), required=False, min_value=0, max_value=20)
    intent_floor = forms.CharField(label=_("Floor preference"), max_length=20, required=False)

    def __init__(self, *args: Any, user: User, instance: Customer | None = None, **kwargs: Any) -> None:
        from loupan.core.policy import can

        self.user = user
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(instance)
        super().__init__(*args, **kwargs)
        if instance is None:
            sites = Site.objects.visible_to(user).filter(is_active=True)
            self.fields["site"].queryset = sites
            if not self.is_bound and sites.count() == 1:
                self.fields["site"].initial = sites.first().pk
            choose_owner = can(user, "customer.choose_owner", None)
            colleagues = User.objects.visible_to(user).filter(is_active=True)
        else:
            del self.fields["site"]
            choose_owner = can(user, "customer.transfer", instance)
            at_site = User.objects.visible_to(user).filter(is_active=True, sites=instance.site_id)
            # The current owner stays selectable even if they no longer work at the site.
            colleagues = User.objects.filter(Q(pk__in=at_site.values("pk")) | Q(pk=instance.owner_id))
            self.fields["owner"].help_text = _("Changing the owner transfers the customer.")
            self.fields["owner"].required = not instance.in_pool
        if choose_owner:
            self.fields["owner"].queryset = colleagues.order_by("full_name", "username")
        else:
            del self.fields["owner"]
        if not self.fields["source"].initial:
            self.fields["source"].initial = "walk_in"

    @staticmethod
    def initial_from(customer: Customer) -> dict[str, Any]:
        initial = {name: getattr(customer, name) for name in PROFILE_FIELDS + INTENTION_FIELDS}
        initial["source"] = customer.source_id
        initial["owner"] = customer.owner_id
        initial["interests"] = "、".join(i.name for i in customer.interests.all())
        return initial

    @property
    def profile_fields(self) -> list[forms.BoundField]:
        head = [n for n in ("site", "owner") if n in self.fields]
        return [self[n] for n in head + PROFILE_FIELDS if n != "notes"] + [self["notes"], self["interests"]]

    @property
    def intention_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in INTENTION_FIELDS]

    def service_data(self) -> dict[str, Any]:
        """The cleaned values keyed as the services expect them."""
        data = {name: self.cleaned_data.get(name) for name in PROFILE_FIELDS + INTENTION_FIELDS}
        source = data.pop("source")
        data["source"] = source.code if source else ""
        for name in ("income_band", "intent_purpose", "intent_level"):
            data[name] = data[name] or ""
        return data

    def tags(self) -> list[str]:
        return split_tags(self.cleaned_data.get("interests", ""))


class ActivityForm(forms.Form):
    """The inline follow-up (跟进) form on a customer's page."""

    kind = forms.ChoiceField(
        label=pgettext_lazy("follow-up", "Kind"), choices=ActivityKind.choices, initial=ActivityKind.CALL
    )
    occurred_at = forms.DateTimeField(
        label=pgettext_lazy("follow-up", "When"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("Leave empty for now."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_action_at = forms.DateTimeField(label=_("Next action"), required=False, widget=DateTimeInput())

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "occurred_at": data["occurred_at"] or timezone.now(),
            "notes": data["notes"],
            "next_action_at": data["next_action_at"],
        }


class TransferForm(forms.Form):
    owner = UserChoiceField(
        label=_("New owner"), queryset=User.objects.none(), empty_label=_("Choose a colleague")
    )

    def __init__(self, *args: Any, user: User, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            User.objects.visible_to(user)
            .filter(is_active=True, sites=customer.site_id)
            .exclude(pk=customer.owner_id)
            .order_by("full_name", "username")
        )


class ReleaseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
