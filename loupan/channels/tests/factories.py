"""Channels test data: agency contracts and registrations written straight to the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from loupan.channels.models import AgencyContract, Registration


class AgencyContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyContract
        skip_postgeneration_save = True

    start = dt.date(2026, 1, 1)
    rate_percent = Decimal("1.00")
    created_by = factory.LazyAttribute(lambda o: o.agency.agents.first())

    @factory.post_generation
    def sites(self, create, extracted, **kwargs):  # noqa: ANN001
        if create and extracted:
            self.sites.set(extracted)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    agency = factory.LazyAttribute(lambda o: o.agent.agency)
    customer_name = "孙先生"
    phone = factory.Sequence(lambda n: f"136{n:08d}")
    phone_last4 = factory.LazyAttribute(lambda o: o.phone[-4:])
    protected_until = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
