import datetime as dt

import factory

from loupan.org.models import Agency, Site, User

PASSWORD = "Loupan-Test-Pass-2026!"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    code = factory.Sequence(lambda n: f"S{n:03d}")
    name = factory.Sequence(lambda n: f"案场{n}")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"代理公司{n}")
    contract_start = dt.date(2026, 1, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"员工{n}")
    role = "sales"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def sites(self, create, extracted, **kwargs):  # noqa: ANN001
        if create and extracted:
            self.sites.set(extracted)
        if create:
            self.save()
