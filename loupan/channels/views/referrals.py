"""Referral pages (老带新): the scoped list, recording one, the deal and the reward."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from loupan.core.errors import Conflict, ValidationFailed
from loupan.core.masking import mask_phone
from loupan.core.policy import can
from loupan.core.scoping import scope_for
from loupan.core.views import add_service_errors, errors_as_messages, paginate, require_can, web_errors
from loupan.customers.models import Customer

from .. import services
from ..models import Referral


class ReferralForm(forms.Form):
    referred = forms.ModelChoiceField(label=gettext_lazy("Buyer"), queryset=Customer.objects.none())
    referrer_phone = forms.CharField(label=gettext_lazy("Referring owner's phone"), max_length=30)
    reward = forms.CharField(label=gettext_lazy("Reward"), max_length=200, required=False)
    reward_value = forms.DecimalField(
        label=gettext_lazy("Reward value"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    notes = forms.CharField(label=gettext_lazy("Notes"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        buyers = Customer.objects.visible_to(user).filter(in_pool=False, referrals__isnull=True)
        if not scope_for(user).is_manager:
            buyers = buyers.filter(owner_id=user.pk)
        self.fields["referred"].queryset = buyers.order_by("name", "id")


@login_required
@require_GET
def referral_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    qs = Referral.objects.visible_to(user).select_related("referrer", "referred", "contract")
    page = paginate(request, qs.order_by("-created_at", "-id"))
    rows = [
        {
            "r": r, "referrer_phone": mask_phone(r.referrer.phone),
            "can_record": r.contract_id is None and can(user, "referral.create", r.referred),
            "can_reward": r.reward_status == "pending" and can(user, "referral.reward", r),
        }
        for r in page
    ]  # fmt: skip
    return render(request, "channels/referral_list.html", {"page": page, "rows": rows})


@login_required
@web_errors
def referral_create(request: HttpRequest) -> HttpResponse:
    form = ReferralForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        require_can(request, "referral.create", data["referred"])
        try:
            services.referral_create(
                actor=request.user, referred=data["referred"], referrer_phone=data["referrer_phone"],
                reward=data["reward"], reward_value=data["reward_value"], notes=data["notes"],
            )  # fmt: skip
        except ValidationFailed as exc:
            add_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("Referral recorded."))
            return redirect("channels:referrals")
    return render(request, "channels/referral_form.html", {"form": form})


def _act(request: HttpRequest, pk: int, perform: Callable[[Referral], object], done: str) -> HttpResponse:
    referral = get_object_or_404(Referral.objects.visible_to(request.user).select_related("referred"), pk=pk)
    with errors_as_messages(request):
        perform(referral)
        messages.success(request, done)
    return redirect("channels:referrals")


@login_required
@require_POST
@web_errors
def referral_record_deal(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda r: services.referral_record_deal(actor=request.user, referral=r),
        _("Deal recorded."),
    )


@login_required
@require_POST
@web_errors
def referral_grant(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda r: services.referral_reward_grant(actor=request.user, referral=r),
        _("Reward granted."),
    )


@login_required
@require_POST
@web_errors
def referral_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda r: services.referral_reward_cancel(actor=request.user, referral=r),
        _("Reward cancelled."),
    )
