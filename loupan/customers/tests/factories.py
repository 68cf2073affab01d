import factory

from loupan.customers.models import Customer
from loupan.customers.validation import name_initials


class CustomerFactory(factory.django.DjangoModelFactory):
    """A customer written straight to the database (services are tested on their own)."""

    class Meta:
        model = Customer

    name = factory.Iterator(["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强"])
    name_initials = factory.LazyAttribute(lambda o: name_initials(o.name))
    # 166: a prefix no hand-written test phone uses, so a factory customer never takes one of theirs
    phone = factory.Sequence(lambda n: f"166{n:08d}")
    phone_last4 = factory.LazyAttribute(lambda o: o.phone[-4:])
    source_id = "walk_in"
    registered_by = factory.SelfAttribute("owner")
    credited_to = factory.SelfAttribute("owner")
