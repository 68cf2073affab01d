"""Forms of the channels pages; choices come from the user's scope only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from loupan.org.models import Agency, Site

from .choices import RegistrationStatus
from .selectors import registration_sites


class DateInput(forms.DateInput):
    input_type = "date"


class RegistrationForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none())
    customer_name = forms.CharField(label=_("Customer name"), max_length=60)
    phone = forms.CharField(label=_("Mobile phone"), max_length=30)
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sites = registration_sites(user)
        self.fields["site"].queryset = sites
        if len(sites) == 1:
            self.fields["site"].initial = sites[0].pk


class RegistrationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *RegistrationStatus.choices]
    )
    search = forms.CharField(label=_("Name or last 4 digits"), required=False, max_length=30)


class ContractForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.filter(is_active=True))
    start = forms.DateField(label=_("Start"), widget=DateInput())
    end = forms.DateField(
        label=_("End"), required=False, widget=DateInput(), help_text=_("Empty: open-ended.")
    )
    rate_percent = forms.DecimalField(
        label=_("Commission rate (%)"), max_digits=5, decimal_places=2, min_value=0
    )
    tiers = forms.CharField(
        label=_("Tiers by monthly volume"),
        required=False,
        help_text=_("One per line: contracts in the month, then the rate, e.g. “10 1.5”."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    sites = forms.ModelMultipleChoiceField(
        label=_("Sites"), queryset=Site.objects.filter(is_active=True), widget=forms.CheckboxSelectMultiple
    )

    def clean_tiers(self) -> list[dict[str, str]]:
        tiers = []
        for line in (self.cleaned_data.get("tiers") or "").splitlines():
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 2:
                raise forms.ValidationError(_("Write each tier as two numbers: contracts and rate."))
            tiers.append({"min_contracts": parts[0], "rate_percent": parts[1]})
        return tiers


class RenewForm(forms.Form):
    end = forms.DateField(label=_("New end"), required=False, widget=DateInput())
    rate_percent = forms.DecimalField(
        label=_("Commission rate (%)"), max_digits=5, decimal_places=2, min_value=0, required=False
    )
