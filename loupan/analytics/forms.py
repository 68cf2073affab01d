"""The filter form of a report page: only sites and projects in the user's scope are offered."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from loupan.customers.choices import CustomerStatus


class ReportFilterForm(forms.Form):
    site = forms.ModelChoiceField(queryset=None, required=False, label=_("Site"), empty_label=_("All"))
    project = forms.ModelChoiceField(queryset=None, required=False, label=_("Project"), empty_label=_("All"))
    date_from = forms.DateField(
        required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(
        required=False, label=_("Customer status"), choices=[("", _("All")), *CustomerStatus.choices]
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        from loupan.inventory.models import Project
        from loupan.org.models import Site

        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.visible_to(user)
        self.fields["project"].queryset = Project.objects.visible_to(user)
