"""Forms of the deal pages; choices come from the user's data scope only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loupan.core.scoping import scope_for
from loupan.customers.models import Customer

from .choices import PaymentMethod
from .services import DEFAULT_INSTALLMENTS, DEFAULT_SIGN_DAYS, MAX_INSTALLMENTS


def dealable_customers(user: Any):  # noqa: ANN201
    """Customers the user may start a deal for: visible to them, and their own unless a manager."""
    qs = Customer.objects.visible_to(user).filter(in_pool=False)
    if not scope_for(user).is_manager:
        qs = qs.filter(owner_id=user.pk)
    return qs.order_by("name", "id")


class SubscriptionForm(forms.Form):
    customer = forms.ModelChoiceField(label=_("Customer"), queryset=Customer.objects.none())
    price = forms.DecimalField(label=_("Agreed price"), max_digits=14, decimal_places=2, min_value=0)
    deposit = forms.DecimalField(label=_("Deposit"), max_digits=14, decimal_places=2, min_value=0)
    sign_deadline = forms.DateField(
        label=_("Sign by"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )

    def __init__(self, *args: Any, user: Any, unit: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "price": unit.total_price,
                "deposit": 0,
                "sign_deadline": timezone.localdate() + dt.timedelta(days=DEFAULT_SIGN_DAYS),
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = dealable_customers(user)
        self.fields["customer"].empty_label = _("Choose a customer")


class ContractForm(forms.Form):
    price = forms.DecimalField(label=_("Contract price"), max_digits=14, decimal_places=2, min_value=0)
    payment_method = forms.ChoiceField(label=_("Payment method"), choices=PaymentMethod.choices)
    installments = forms.IntegerField(
        label=_("Installments"), min_value=2, max_value=MAX_INSTALLMENTS, initial=DEFAULT_INSTALLMENTS,
        required=False, help_text=_("Only for payment in installments."),
    )  # fmt: skip
