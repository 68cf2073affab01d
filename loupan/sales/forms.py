"""Forms of the deal pages; choices come from the user's data scope only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from loupan.core.scoping import scope_for
from loupan.customers.models import Customer

from .choices import PaymentMethod
from .models import Reservation
from .selectors import reservations_for_unit
from .services import DEFAULT_INSTALLMENTS, DEFAULT_SIGN_DAYS, MAX_INSTALLMENTS


def dealable_customers(user: Any):  # noqa: ANN201
    """Customers the user may start a deal for: visible to them, and their own unless a manager."""
    qs = Customer.objects.visible_to(user).filter(in_pool=False)
    if not scope_for(user).is_manager:
        qs = qs.filter(owner_id=user.pk)
    return qs.order_by("name", "id")


class ReservationChoiceField(forms.ModelChoiceField):
    """A 认筹 reservation shown by its queue number and deposit."""

    def label_from_instance(self, obj: Any) -> str:
        return gettext("No. %(n)d · deposit %(deposit)s") % {
            "n": obj.queue_number,
            "deposit": f"{obj.deposit:,.2f}",
        }


class SubscriptionForm(forms.Form):
    """认购 of one unit. The reservation (认筹) choices are the chosen customer's active ones
    for the unit's project that the user sees; with exactly one, it is preselected."""

    customer = forms.ModelChoiceField(label=_("Customer"), queryset=Customer.objects.none())
    reservation = ReservationChoiceField(
        label=_("Reservation (queue number)"),
        queryset=Reservation.objects.none(),
        required=False,
        error_messages={
            "invalid_choice": _("Choose an active reservation of this customer for this project.")
        },
    )
    price = forms.DecimalField(label=_("Agreed price"), max_digits=14, decimal_places=2, min_value=0)
    deposit = forms.DecimalField(label=_("Deposit"), max_digits=14, decimal_places=2, min_value=0)
    sign_deadline = forms.DateField(
        label=_("Sign by"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )

    def __init__(self, *args: Any, user: Any, unit: Any, **kwargs: Any) -> None:
        kwargs["initial"] = {
            "price": unit.total_price,
            "deposit": 0,
            "sign_deadline": timezone.localdate() + dt.timedelta(days=DEFAULT_SIGN_DAYS),
            **(kwargs.get("initial") or {}),
        }
        super().__init__(*args, **kwargs)
        customers = dealable_customers(user)
        self.fields["customer"].queryset = customers
        self.fields["customer"].empty_label = _("Choose a customer")
        field = self.fields["reservation"]
        field.empty_label = _("No reservation")
        field.queryset = reservations_for_unit(
            user=user, project_id=unit.project_id, customer_id=self._customer_id()
        ).filter(customer__in=customers)
        if not self.is_bound and not self.initial.get("reservation"):
            only = list(field.queryset[:2])
            if len(only) == 1:
                self.initial["reservation"] = only[0].pk

    def _customer_id(self) -> int | None:
        """The customer the form is about: the one sent, else the initial one (``?customer=``)."""
        raw = self.data.get(self.add_prefix("customer")) if self.is_bound else self.initial.get("customer")
        raw = str(getattr(raw, "pk", raw) or "")
        return int(raw) if raw.isdigit() else None


class ContractForm(forms.Form):
    price = forms.DecimalField(label=_("Contract price"), max_digits=14, decimal_places=2, min_value=0)
    payment_method = forms.ChoiceField(label=_("Payment method"), choices=PaymentMethod.choices)
    installments = forms.IntegerField(
        label=_("Installments"), min_value=2, max_value=MAX_INSTALLMENTS, initial=DEFAULT_INSTALLMENTS,
        required=False, help_text=_("Only for payment in installments."),
    )  # fmt: skip
