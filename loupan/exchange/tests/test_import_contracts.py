"""Contracts from the old system that were given up (退房/作废): imported cancelled, the money
kept on them, their units free to be sold again; a later file can cancel a live one."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from loupan.exchange import services
from loupan.exchange.legacy_data import CUSTOMER_HEADERS, customer_rows, write_csv
from loupan.exchange.tests.conftest import DATA, csv_file
from loupan.inventory.models import Unit
from loupan.sales.models import Cancellation, Contract, Payment

pytestmark = pytest.mark.django_db
HEAD = "合同编号,客户编号,房源编号,合同总价,签约日期,已付金额,交房日期,合同状态,退房日期"


def run(actor, f, kind="contracts"):  # noqa: ANN001, ANN201
    return services.run_now_if_small(services.import_create(actor=actor, kind=kind, file=f, dry_run=False))


@pytest.fixture
def sold(world, tmp_path):  # noqa: ANN001, ANN201
    """The legacy customers, projects and units imported, nothing sold yet."""
    people = write_csv(
        tmp_path / "c.csv", CUSTOMER_HEADERS, customer_rows(300, sites=["S1", "S2"], salespeople=["张顾问"])
    )
    for path, kind in ((people, "customers"), (DATA / "legacy_projects.csv", "projects"),
                       (DATA / "legacy_units.csv", "units")):  # fmt: skip
        job = run(world.admin, SimpleUploadedFile(path.name, path.read_bytes()), kind=kind)
        assert job.status == "succeeded", (kind, job.errors[:3])
    return world


def test_the_shipped_file_brings_its_cancelled_contract_in_cancelled(sold) -> None:  # noqa: ANN001
    data = (DATA / "legacy_contracts.csv").read_bytes()
    job = run(sold.admin, SimpleUploadedFile("legacy_contracts.csv", data))
    assert (job.status, job.created) == ("succeeded", 40), job.errors
    cancelled = Contract.objects.select_related("subscription", "unit", "customer").get(status="cancelled")
    assert cancelled.subscription.status == "cancelled" and cancelled.cancel_reason == "旧系统退房"
    assert f"{timezone.localtime(cancelled.cancelled_at):%Y-%m-%d}" == "2001-03-17"
    assert cancelled.cancelled_by == sold.admin
    record = Cancellation.objects.get(contract=cancelled)
    assert record.paid_amount == 386000 and record.at == cancelled.cancelled_at
    assert Payment.objects.get(contract=cancelled).amount == 386000  # the money trail stays
    assert cancelled.unit.status == "available" and not hasattr(cancelled, "handover")
    assert Contract.objects.filter(status="active").count() == 39


def test_a_cancelled_sale_frees_the_unit_for_the_next_row(sold) -> None:  # noqa: ANN001
    job = run(sold.admin, csv_file([HEAD, "HT1,C000001,U000001,100万,2001-1-1,10万,,已退房,2001-6-1",
                                    "HT2,C000002,U000001,105万,2002-1-1,105万,,有效,"]))  # fmt: skip
    assert job.status == "succeeded", job.errors
    first, second = Contract.objects.order_by("signed_at")
    assert (first.status, second.status) == ("cancelled", "active")
    assert Unit.objects.get(pk=second.unit_id).status == "contracted"


def test_a_later_file_cancels_a_live_contract_through_the_deal_workflow(sold) -> None:  # noqa: ANN001
    assert run(sold.admin, csv_file([HEAD, "HT1,C000001,U000001,100万,2001-1-1,10万,,有效,"])).created == 1
    contract = Contract.objects.get()
    assert contract.unit.status == "contracted"
    job = run(sold.admin, csv_file([HEAD, "HT1,C000001,U000001,100万,2001-1-1,10万,,退房,",
                                    "HT2,C000003,U000001,99万,2003-1-1,0,,有效,"]))  # fmt: skip
    assert (job.status, job.updated, job.created) == ("succeeded", 1, 1), job.errors
    contract.refresh_from_db()
    assert contract.status == "cancelled" and Cancellation.objects.get().contract == contract
    resold = Contract.objects.get(status="active")
    assert (
        resold.price == 990000 and resold.customer != contract.customer and resold.unit.status == "contracted"
    )
    revived = run(sold.admin, csv_file([HEAD, "HT1,C000001,U000001,100万,2001-1-1,10万,,有效,",
                                        "HT2,C000003,U000001,99万,2003-1-1,0,,作废,"]))  # fmt: skip
    assert revived.status == "rejected" and [e["column"] for e in revived.errors] == ["合同状态"]
    assert Contract.objects.get(pk=resold.pk).status == "active"  # all or nothing


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("HT1,C000001,U000001,100万,2001-1-1,10万,,不知道,", "合同状态"),
        ("HT1,C000001,U000001,100万,2001-1-1,10万,,有效,2002-1-1", "退房日期"),
        ("HT1,C000001,U000001,100万,2001-1-1,100万,2002-1-1,作废,", "交房日期"),
        ("HT1,C000001,U000001,100万,2001-1-1,10万,,作废,2000-1-1", "退房日期"),
        ("HT1,C000001,U000001,100万,2001-1-1,10万,,作废,2999-1-1", "退房日期"),
    ],
)
def test_bad_statuses_are_row_errors_and_write_nothing(sold, row, column) -> None:  # noqa: ANN001
    job = run(sold.admin, csv_file([HEAD, row]))
    assert job.status == "rejected" and [e["column"] for e in job.errors] == [column]
    assert not Contract.objects.exists() and not Cancellation.objects.exists()
