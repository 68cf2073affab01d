from types import SimpleNamespace

import pytest

from loupan.channels.tests.factories import AgencyContractFactory
from loupan.org.tests.factories import AgencyFactory, UserFactory


@pytest.fixture
def ch(world) -> SimpleNamespace:  # noqa: ANN001
    """``world`` plus a live contract of its agency covering s1 (1% commission), and a second
    agency with agent ag2 at s1 and s2 under a contract covering both."""
    contract = AgencyContractFactory(agency=world.agency, created_by=world.admin, sites=[world.s1])
    other = AgencyFactory(name="安居代理")
    ag2 = UserFactory(
        username="ag2", role="agent", sites=[world.s1, world.s2], agency=other, full_name="钱代理"
    )
    contract2 = AgencyContractFactory(agency=other, created_by=world.admin, sites=[world.s1, world.s2])
    return SimpleNamespace(w=world, contract=contract, other=other, ag2=ag2, contract2=contract2)
