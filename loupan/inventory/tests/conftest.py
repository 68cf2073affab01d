from types import SimpleNamespace

import pytest

from loupan.inventory.tests.factories import ProjectFactory, link, make_building


@pytest.fixture
def inv(world) -> SimpleNamespace:  # noqa: ANN001
    """p1 (linked to site s1) with building b1 (5 floors x 4 units), p2 (linked to s2) with b2."""
    p1 = ProjectFactory(name="西溪云庐")
    p2 = ProjectFactory(name="钱江悦府")
    link(world.s1, p1)
    link(world.s2, p2)
    return SimpleNamespace(
        p1=p1, p2=p2, b1=make_building(p1, 5, 4, "1号楼"), b2=make_building(p2, 3, 2, "A座")
    )
