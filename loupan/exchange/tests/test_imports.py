"""Import services: dry run, all or nothing, idempotency, updates with history, duplicates,
scope, members, inventory, background failure."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from loupan.core.errors import NotAllowed, ValidationFailed
from loupan.core.models import AuditEvent
from loupan.customers.models import Customer
from loupan.customers.tests.factories import CustomerFactory
from loupan.exchange import services
from loupan.exchange.importing import engine
from loupan.exchange.importing.customers import CustomerImporter
from loupan.exchange.models import ImportJob, LegacyRecord
from loupan.exchange.tests.conftest import DATA, csv_file, xlsx_file
from loupan.inventory.models import Building, Project, Unit

pytestmark = pytest.mark.django_db
HEAD = "编号,姓名,手机,案场,性别,出生日期,置业顾问,来源,身份证号"
GOOD = [
    HEAD,
    "L1,张三,138 0013 8000,S1,男,1994年3月5日,张顾问,自然到访,",
    "L2,李四,+86 13900139000,S1,女,1994/03/05,离职员工,来电,110101199003070775",
    "L3,王五,137-0013-7000,S2,男,34398,王顾问,phone,",
]


def run(actor, f, kind="customers", dry_run=False, **kw):  # noqa: ANN001, ANN201
    return services.run_now_if_small(
        services.import_create(actor=actor, kind=kind, file=f, dry_run=dry_run, **kw)
    )


def test_shipped_legacy_file_dry_run_reports_every_bad_row_and_writes_nothing(world) -> None:  # noqa: ANN001
    f = SimpleUploadedFile("legacy_customers.csv", (DATA / "legacy_customers.csv").read_bytes())
    job = run(world.admin, f, dry_run=True)
    assert job.status == "rejected" and job.total_rows == 300
    assert job.error_count == 30 and job.valid_rows == 270
    columns = {e["column"] for e in job.errors}
    assert {"手机", "出生日期", "案场", "姓名", "预算", "客户编号", "身份证号", "来源"} <= columns
    dup = next(e for e in job.errors if e["row"] == 41)
    assert dup["column"] == "手机" and "40" in dup["message"]
    assert Customer.objects.count() == 0 and LegacyRecord.objects.count() == 0


def test_dry_run_of_a_clean_file_counts_but_writes_nothing(world) -> None:  # noqa: ANN001
    job = run(world.admin, csv_file(GOOD), dry_run=True)
    assert (job.status, job.total_rows, job.valid_rows, job.created) == ("succeeded", 3, 3, 3)
    assert Customer.objects.count() == 0


def test_commit_is_all_or_nothing(world) -> None:  # noqa: ANN001
    job = run(world.admin, csv_file([*GOOD, "L4,坏人,12345,S1,男,,,,"]))
    assert job.status == "rejected" and job.errors == [
        {"row": 5, "column": "手机", "value": "12345", "message": job.errors[0]["message"]}
    ]
    assert Customer.objects.count() == 0 and not AuditEvent.objects.filter(object_type="customer").exists()


def test_commit_maps_owners_keeps_legacy_ids_and_history(world) -> None:  # noqa: ANN001
    job = run(world.admin, csv_file(GOOD))
    assert (job.status, job.created) == ("succeeded", 3)
    zs, ls, ww = (Customer.objects.get(phone=p) for p in ("13800138000", "13900139000", "13700137000"))
    assert zs.owner == world.s1a and not zs.in_pool and zs.source_id == "walk_in"
    assert (
        ls.owner is None and ls.in_pool and ls.id_number == "110101199003070775"
    )  # unknown salesperson: pool
    assert ww.owner == world.s2a and ww.birth_date.isoformat() == "1994-03-05" and ww.site == world.s2
    link = LegacyRecord.objects.get(legacy_id="L1")
    assert (link.source, link.kind, link.object_id) == ("legacy", "customers", zs.pk)
    created = AuditEvent.objects.get(object_type="customer", object_id=zs.pk)
    assert created.action == "create" and created.changes["phone"] == [None, "13800138000"]


def test_same_file_twice_creates_nothing_and_changed_row_updates_with_history(world) -> None:  # noqa: ANN001
    run(world.admin, csv_file(GOOD))
    again = run(world.admin, csv_file(GOOD))
    assert (again.status, again.created, again.updated, again.unchanged) == ("succeeded", 0, 0, 3)
    assert Customer.objects.count() == 3
    changed = [GOOD[0], GOOD[1].replace("张三", "张叁"), *GOOD[2:]]
    third = run(world.admin, csv_file(changed))
    assert (third.created, third.updated, third.unchanged) == (0, 1, 2)
    customer = Customer.objects.get(phone="13800138000")
    assert customer.name == "张叁" and customer.name_initials == "zs"
    event = AuditEvent.objects.get(action="import_update", object_id=customer.pk)
    assert event.changes == {"name": ["张三", "张叁"]} and event.actor == world.admin


def test_duplicates_against_the_database_by_phone_per_site_and_by_id_number(world) -> None:  # noqa: ANN001
    CustomerFactory(site=world.s1, owner=world.s1b, phone="13800138000")
    CustomerFactory(site=world.s2, owner=world.s2a, phone="13500135000", id_number="110101199003070775")
    job = run(world.admin, csv_file(GOOD))
    assert job.status == "rejected"
    by_row = {e["row"]: e for e in job.errors}
    assert "138****8000" in by_row[2]["message"] and "李顾问" in by_row[2]["message"]
    assert by_row[3]["column"] == "身份证号"
    assert 4 not in by_row  # another site's phone is no duplicate


def test_site_manager_imports_only_into_their_sites(world) -> None:  # noqa: ANN001
    job = run(world.sm1, csv_file(GOOD))
    assert [(e["row"], e["column"]) for e in job.errors] == [(4, "案场")]
    with pytest.raises(NotAllowed):
        run(world.s1a, csv_file(GOOD))


def test_members_xlsx_flags_club_members_and_merges_existing_customers(world) -> None:  # noqa: ANN001
    existing = CustomerFactory(
        site=world.s1, owner=world.s1a, phone="13800138000", name="张三", birth_date=None
    )
    rows = [
        ["会员编号", "姓名", "手机", "案场", "性别", "出生日期", "入会日期"],
        ["M1", "张三", 13800138000, "S1", "男", 34398, "2005年6月1日"],
        ["M2", "会员乙", "139 0013 9000", "S2", "女", "1980/1/2", "2006-1-1"],
    ]
    job = run(world.admin, xlsx_file(rows), kind="members")
    assert (job.status, job.created, job.updated) == ("succeeded", 1, 1), job.errors
    existing.refresh_from_db()
    assert existing.is_club_member and existing.club_joined_on.isoformat() == "2005-06-01"
    assert existing.owner == world.s1a and existing.birth_date.isoformat() == "1994-03-05"  # blank filled
    new = Customer.objects.get(phone="13900139000")
    assert new.is_club_member and new.status == "owner" and new.in_pool
    assert run(world.admin, xlsx_file(rows), kind="members").unchanged == 2


def test_projects_then_units_import(world) -> None:  # noqa: ANN001
    for name, kind in (("legacy_projects.csv", "projects"), ("legacy_units.csv", "units")):
        job = run(world.admin, SimpleUploadedFile(name, (DATA / name).read_bytes()), kind=kind)
        assert job.status == "succeeded", job.errors
    assert Project.objects.count() == 4 and Unit.objects.count() == 288
    assert Building.objects.filter(floors=18).count() == Building.objects.count() == 4
    assert (
        Unit.objects.filter(status="contracted").exists() and Unit.objects.filter(status="available").exists()
    )
    again = run(
        world.admin, SimpleUploadedFile("u.csv", (DATA / "legacy_units.csv").read_bytes()), kind="units"
    )
    assert (again.created, again.unchanged) == (0, 288)


def test_projects_and_units_need_a_company_wide_role(world) -> None:  # noqa: ANN001
    with pytest.raises(NotAllowed):
        run(
            world.sm1,
            SimpleUploadedFile("p.csv", (DATA / "legacy_projects.csv").read_bytes()),
            kind="projects",
        )


def test_background_job_failure_leaves_the_database_as_it_was(
    world, settings, monkeypatch, django_capture_on_commit_callbacks
) -> None:  # noqa: ANN001
    settings.LOUPAN_IMPORT_INLINE_BYTES = 10  # every file goes to the background
    monkeypatch.setattr(engine, "CHUNK_ROWS", 1)
    calls = {"n": 0}
    original = CustomerImporter.handle

    def flaky(self, rows):  # noqa: ANN001, ANN202
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return original(self, rows)

    monkeypatch.setattr(CustomerImporter, "handle", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_create(actor=world.admin, kind="customers", file=csv_file(GOOD), dry_run=False)
        assert job.status == "queued"
    job = ImportJob.objects.get(pk=job.pk)
    assert job.status == "failed" and "disk full" in job.failure
    assert Customer.objects.count() == 0 and LegacyRecord.objects.count() == 0  # two chunks were rolled back
    assert services.import_progress(job)["percent"] == 100


def test_unreadable_file_and_missing_required_columns(world) -> None:  # noqa: ANN001
    with pytest.raises(ValidationFailed) as bad:
        services.import_create(
            actor=world.admin, kind="customers", file=SimpleUploadedFile("x.xlsx", b"PK\x03\x04garbage")
        )
    assert "file" in bad.value.errors
    job = run(world.admin, csv_file(["姓名,手机", "张三,13800138000"]))
    assert job.status == "rejected" and {e["row"] for e in job.errors} == {1}
    assert {e["column"] for e in job.errors} == {"legacy_id", "site"}


def test_contracts_with_payments_after_customers_and_units(world, tmp_path) -> None:  # noqa: ANN001
    from loupan.exchange.legacy_data import CUSTOMER_HEADERS, customer_rows, write_csv
    from loupan.sales.models import Contract, Handover, Payment

    clean = write_csv(
        tmp_path / "c.csv", CUSTOMER_HEADERS, customer_rows(300, sites=["S1", "S2"], salespeople=["张顾问"])
    )
    files = [
        (clean, "customers"),
        (DATA / "legacy_projects.csv", "projects"),
        (DATA / "legacy_units.csv", "units"),
    ]
    for path, kind in files:
        assert (
            run(world.admin, SimpleUploadedFile(path.name, path.read_bytes()), kind=kind).status
            == "succeeded"
        )
    data = (DATA / "legacy_contracts.csv").read_bytes()
    job = run(world.admin, SimpleUploadedFile("legacy_contracts.csv", data), kind="contracts")
    assert (job.status, job.created) == ("succeeded", 40), job.errors
    contract = Contract.objects.select_related("unit", "customer").order_by("pk").first()
    assert contract.status == "active" and contract.subscription.status == "contracted"
    assert contract.unit.status in ("contracted", "handed_over")
    assert contract.customer.status in ("contracted", "owner")
    assert Payment.objects.count() == 40 and Handover.objects.exists()
    assert all(
        h.contract.unit.status == "handed_over" for h in Handover.objects.select_related("contract__unit")
    )
    again = run(world.admin, SimpleUploadedFile("legacy_contracts.csv", data), kind="contracts")
    assert (again.created, again.unchanged) == (0, 40) and Contract.objects.count() == 40
    bad = run(world.admin, csv_file(["合同编号,客户编号,房源编号,合同总价,签约日期,已付金额",
                                     "HT9,C000001,U000001,100万,2001-1-1,10", "HT10,NOPE,U000200,100万,2001-1-1,200万"]),
              kind="contracts")  # fmt: skip
    assert [(e["row"], e["column"]) for e in bad.errors] == [
        (2, "房源编号"),
        (3, "客户编号"),
        (3, "已付金额"),
    ]
