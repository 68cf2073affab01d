"""Forms of the organisation pages; the services (loupan.org.services) hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from loupan.customers.choices import CustomerStatus

from .choices import Role
from .models import Agency, Site, User

# Statuses whose customers can go to the pool, offered as "shorter limit" fields.
POOL_STATUSES = [CustomerStatus.LEAD, CustomerStatus.VISITED, CustomerStatus.LOST]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class SiteForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=pgettext_lazy("site or agency", "Name"), max_length=120)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    pool_after_days = forms.IntegerField(
        label=_("Days without follow-up before the pool"), min_value=1, initial=30
    )
    pool_claims_per_day = forms.IntegerField(
        label=_("Pool claims per salesperson per day"), min_value=0, initial=5
    )
    max_customers_per_user = forms.IntegerField(
        label=_("Most customers one salesperson may hold"), min_value=1, initial=2000
    )
    registration_visit_days = forms.IntegerField(
        label=_("Days an agent has to bring a registered customer"), min_value=1, initial=7, required=False
    )
    registration_protection_days = forms.IntegerField(
        label=_("Protection period after the visit (days)"), min_value=0, initial=30, required=False
    )

    def __init__(self, *args: Any, instance: Site | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            initial = {name: getattr(instance, name) for name in self.base_fields if hasattr(instance, name)}
            for status in POOL_STATUSES:
                initial[f"pool_days_{status}"] = (instance.pool_after_days_by_status or {}).get(status)
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for status in POOL_STATUSES:
            self.fields[f"pool_days_{status}"] = forms.IntegerField(
                label=_("Shorter limit for “%(status)s” (days)") % {"status": status.label},
                min_value=1,
                required=False,
            )

    @property
    def status_fields(self) -> list[forms.BoundField]:
        return [self[f"pool_days_{s}"] for s in POOL_STATUSES]

    @property
    def main_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in self.fields if not n.startswith("pool_days_")]

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("pool_days_")}
        for name in ("registration_visit_days", "registration_protection_days"):
            if data.get(name) is None:
                data.pop(name, None)  # left empty: keep the current value (or the default)
        data["pool_after_days_by_status"] = {
            str(s): self.cleaned_data[f"pool_days_{s}"]
            for s in POOL_STATUSES
            if self.cleaned_data.get(f"pool_days_{s}")
        }
        return data


class AgencyForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("site or agency", "Name"), max_length=120)
    contact_name = forms.CharField(label=_("Contact"), max_length=60, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    contract_start = forms.DateField(label=_("Contract start"), widget=DateInput())
    contract_end = forms.DateField(
        label=_("Contract end"), required=False, widget=DateInput(), help_text=_("Empty: open-ended.")
    )

    def __init__(self, *args: Any, instance: Agency | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(instance, name) for name in self.base_fields}
        super().__init__(*args, **kwargs)


class SiteChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Site) -> str:
        return f"{obj.name} ({obj.code})"


class UserForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=60, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    mobile = forms.CharField(label=_("Mobile"), max_length=11, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.SALES)
    sites = SiteChoices(
        label=_("Sites"), queryset=Site.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=_("Agents only."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    on_duty = forms.BooleanField(label=_("On duty"), required=False, initial=True)
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, actor: User, instance: User | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            initial = {n: getattr(instance, n) for n in self.base_fields if n not in ("sites", "password")}
            initial["agency"] = instance.agency_id
            initial["sites"] = [s.pk for s in instance.sites.all()]
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = Site.objects.visible_to(actor)
        agencies = Agency.objects.filter(is_active=True)
        if instance is not None and instance.agency_id:
            agencies = Agency.objects.filter(pk=instance.agency_id) | agencies
        self.fields["agency"].queryset = agencies.distinct().order_by("name")
        if instance is None:
            self.fields["password"].required = True
        else:
            self.fields["password"].help_text = _("Leave empty to keep the current password.")

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("sites", "password")}
        return data


class DeactivateUserForm(forms.Form):
    hand_to = forms.ModelChoiceField(
        label=_("Hand their customers to"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— the sites' public pools —"),
    )

    def __init__(self, *args: Any, actor: User, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hand_to"].queryset = (
            User.objects.visible_to(actor)
            .filter(is_active=True, sites__in=user.sites.all())
            .exclude(pk=user.pk)
            .distinct()
            .order_by("full_name", "username")
        )
