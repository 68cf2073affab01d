"""Forms of the deal detail pages (reservations, 换房, payments, schedules, list filters).

Fields only: amounts are checked by the services (negative, overpayment, future dates) so
that the page shows the same errors as the API; choices come from the user's scope.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loupan.inventory.models import Building, Project

from .choices import PaymentChannel, PaymentMethod, ScheduleKind, SubscriptionStatus
from .selectors import available_units

MONEY = {"max_digits": 14, "decimal_places": 2}
RECEIVED_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


class ReservationForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none())
    deposit = forms.DecimalField(label=_("Deposit"), **MONEY)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.visible_to(user).order_by("name")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        price = f"{obj.total_price:,.0f}" if obj.total_price else "—"
        return f"{obj.building.name} {obj.number} · {obj.layout or ''} {obj.area}m² · {price}"


class UnitSearchForm(forms.Form):
    """The 换房 picker's search: a building of the project and words of a building or unit number."""

    building = forms.ModelChoiceField(label=_("Building"), queryset=Building.objects.none(), required=False)
    q = forms.CharField(
        label=_("Building or unit number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("e.g. building 1, unit 302"), "autocomplete": "off"}
        ),
    )

    def __init__(self, *args: Any, user: Any, project_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["building"]
        field.queryset = Building.objects.visible_to(user).filter(project_id=project_id).order_by("name")
        field.empty_label = _("All buildings")

    def criteria(self) -> dict[str, Any]:
        """What to filter the units by: the valid parts of the search (a building of another
        project is an error on the search form and filters nothing)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        building = data.get("building")
        return {"q": data.get("q") or "", "building_id": building.pk if building else None}


class ChangeUnitForm(forms.Form):
    """换房: another available unit of the same project, its price (default: the unit's).

    Any available unit of the project that the user sees is a valid choice; the dropdown shows
    at most ``PICKER_LIMIT`` of those matching ``search`` (and the one already chosen), so a
    project of thousands of units stays usable. ``shown``, ``more`` and ``searched`` describe
    what is listed."""

    PICKER_LIMIT = 100

    unit = UnitChoiceField(label=_("New unit"), queryset=None)
    price = forms.DecimalField(
        label=_("Agreed price"), required=False, help_text=_("Empty: the new unit's total price."), **MONEY
    )
    payment_method = forms.ChoiceField(
        label=_("Payment method"), choices=[("", _("Same as before")), *PaymentMethod.choices], required=False
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(
        self,
        *args: Any,
        user: Any,
        project_id: int,
        contract: bool,
        search: dict | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        field.queryset = available_units(user=user, project_id=project_id)
        field.empty_label = _("Choose an available unit")
        if not contract:
            del self.fields["payment_method"]
        matching = available_units(user=user, project_id=project_id, **(search or {}))
        ids = list(matching.values_list("pk", flat=True)[: self.PICKER_LIMIT + 1])
        self.more = len(ids) > self.PICKER_LIMIT
        self.searched = any((search or {}).values())
        self.shown = len(ids[: self.PICKER_LIMIT])
        chosen = self["unit"].value()
        keep = [int(chosen)] if str(chosen or "").isdigit() else []
        listed = UnitChoiceField(queryset=field.queryset.filter(pk__in=ids[: self.PICKER_LIMIT] + keep))
        listed.empty_label = field.empty_label
        field.widget.choices = listed.choices  # what is shown; ``field.queryset`` still validates


class PaymentForm(forms.Form):
    """回款. ``token`` is drawn when the form is shown: submitting it twice records one payment."""

    amount = forms.DecimalField(label=_("Amount"), **MONEY)
    method = forms.ChoiceField(
        label=_("Method"), choices=[c for c in PaymentChannel.choices if c[0] != PaymentChannel.CARRIED_OVER]
    )
    received_at = forms.DateTimeField(
        label=_("Received"),
        input_formats=RECEIVED_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "method": PaymentChannel.TRANSFER,
                "received_at": timezone.localtime(),
                "token": uuid.uuid4().hex,
            },
        )
        super().__init__(*args, **kwargs)


class ScheduleItemForm(forms.Form):
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(label=_("Amount"), **MONEY)
    kind = forms.ChoiceField(label=_("Payment kind"), choices=ScheduleKind.choices)


ScheduleFormSet = forms.formset_factory(ScheduleItemForm, extra=1, can_delete=True, max_num=60)


class DealFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *SubscriptionStatus.choices], required=False
    )
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none(), required=False)
    overdue = forms.BooleanField(label=_("Past the deadline to sign"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.visible_to(user).order_by("name")
        self.fields["project"].empty_label = _("All")
