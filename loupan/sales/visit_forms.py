"""Forms of the reception desk, the rotation page and the work log pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from loupan.customers.choices import Gender
from loupan.customers.models import SourceChannel
from loupan.org.models import Site

from .services.visits import MAX_PARTY
from .services.worklogs import MAX_NOTE


def desk_sites(user: Any):  # noqa: ANN201
    """The active sites whose reception desk the user may run (those in their scope)."""
    return Site.objects.visible_to(user).filter(is_active=True).order_by("code")


class VisitForm(forms.Form):
    """来访登记: the phone first; the rest only matters for a new visitor."""

    phone = forms.CharField(
        label=_("Mobile phone"), max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off", "autofocus": True}),
    )  # fmt: skip
    name = forms.CharField(
        label=_("Name"), max_length=60, required=False, help_text=_("Needed for a new visitor.")
    )
    gender = forms.ChoiceField(
        label=_("Gender"), choices=Gender.choices, initial=Gender.UNKNOWN, required=False
    )
    source = forms.ModelChoiceField(
        label=_("Source"), queryset=SourceChannel.objects.filter(is_active=True), to_field_name="code",
        required=False, empty_label=None,
    )  # fmt: skip
    party_size = forms.IntegerField(label=_("Party size"), min_value=1, max_value=MAX_PARTY, initial=1)
    notes = forms.CharField(
        label=_("First impressions"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].initial = "walk_in"

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        source = data.get("source")
        return {
            "phone": data["phone"],
            "name": data.get("name", ""),
            "data": {"gender": data.get("gender") or None, "source": source.code if source else None},
            "party_size": data["party_size"],
            "notes": data.get("notes", ""),
        }


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("My notes for today"), max_length=MAX_NOTE, required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("What went well, what is next...")}),
    )  # fmt: skip
