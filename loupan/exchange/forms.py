"""Forms of the import pages: the upload, and the column mapping (one choice per header)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from loupan.org.models import Site

from .choices import ImportKind, TokenScope, WebhookEvent
from .importing.fields import FIELDS


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices)
    source = forms.CharField(
        label=_("Source system"), max_length=40, initial="legacy",
        help_text=_("The old system's name; legacy IDs and saved mappings belong to it."),
    )  # fmt: skip
    file = forms.FileField(label=_("File"), help_text=_("CSV (UTF-8 or GB18030/GBK) or XLSX."))


class MappingForm(forms.Form):
    """A select per file header: which field it fills (or none)."""

    save_mapping = forms.BooleanField(label=_("Remember this mapping for the source system"), required=False)

    def __init__(self, *args, kind: str, mapping: dict[str, str], **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        choices = [("", _("— ignore —"))] + [
            (f.name, f"{f.label}{' *' if f.required else ''}") for f in FIELDS[kind]
        ]
        self.headers = list(mapping)
        for i, header in enumerate(self.headers):
            self.fields[f"col_{i}"] = forms.ChoiceField(
                label=header or _("(no header)"), choices=choices, required=False, initial=mapping[header]
            )

    def mapping(self) -> dict[str, str]:
        return {h: self.cleaned_data.get(f"col_{i}") or "" for i, h in enumerate(self.headers)}

    def column_fields(self) -> list[forms.BoundField]:
        return [self[f"col_{i}"] for i in range(len(self.headers))]


class SystemForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60, help_text=_("For example 财务系统 or OA."))
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=60, initial="production")
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=TokenScope.choices, widget=forms.CheckboxSelectMultiple
    )
    sites = forms.ModelMultipleChoiceField(
        label=_("Only these sites"), queryset=Site.objects.all(), required=False,
        help_text=_("Leave empty for every site."),
    )  # fmt: skip
    expires_on = forms.DateField(
        label=_("Expires on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class WebhookForm(forms.Form):
    url = forms.URLField(label=_("URL"), max_length=300, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )
    sites = forms.ModelMultipleChoiceField(
        label=_("Only these sites"), queryset=Site.objects.all(), required=False,
        help_text=_("Leave empty for every site."),
    )  # fmt: skip
