"""Customers API (api-v1.md "Conventions" and "Customers"): status codes and payloads."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from loupan.core.models import AuditEvent
from loupan.customers.models import Customer
from loupan.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/customers/"


def post(client, **data):  # noqa: ANN001, ANN003, ANN201
    return client.post(URL, data, format="json")


def test_no_token_is_401(world, api):  # noqa: ANN001
    c = CustomerFactory(site=world.s1, owner=world.s1a)
    for r in (api().get(URL), api().get(f"{URL}{c.pk}/"), api().post(URL, {}, format="json")):
        assert r.status_code == 401
    bad = api()
    bad.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert bad.get(URL).status_code == 401


def test_list_envelope_and_page_size_cap(world, api):  # noqa: ANN001
    Customer.objects.bulk_create(
        [
            Customer(
                site=world.s1, owner=world.s1a, name=f"客{i}", phone=f"138{i:08d}", phone_last4=f"{i:04d}"
            )
            for i in range(501)
        ]
    )
    body = api(world.s1a).get(URL, {"page_size": 1000}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 501 and len(body["results"]) == 500
    assert body["previous"] is None and "page=2" in body["next"]
    default = api(world.s1a).get(URL).json()
    assert len(default["results"]) == 50
    last = api(world.s1a).get(URL, {"page": 11}).json()
    assert len(last["results"]) == 1 and last["next"] is None
    assert api(world.s1a).get(URL, {"page": 12}).status_code == 404


def test_create_is_owned_by_its_creator(world, api):  # noqa: ANN001
    r = post(
        api(world.s1a),
        name="张伟",
        phone="+86 139-0000-0011",
        site=world.s1.pk,
        gender="M",
        birth_date="1990-03-07",
        income_band="30-50万",
        interests=["高尔夫", "教育"],
        source="walk_in",
        intention={"budget_min": "1250000", "budget_max": "2000000.5", "area_min": "89", "level": "A"},
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["owner"], body["owner_name"], body["site"]) == (world.s1a.pk, "张顾问", world.s1.pk)
    assert (body["phone"], body["status"], body["in_pool"]) == ("13900000011", "lead", False)
    assert body["intention"]["budget_min"] == "1250000.00"
    assert body["intention"]["budget_max"] == "2000000.50"
    assert body["intention"]["area_min"] == "89.00"
    assert sorted(body["interests"]) == ["教育", "高尔夫"]
    assert isinstance(body["age"], int) and body["age"] >= 35
    assert re.search(r"[+-]\d\d:\d\d$", body["created_at"]), body["created_at"]
    assert body["created_at"].endswith("+08:00")


def test_manager_names_the_owner(world, api):  # noqa: ANN001
    r = post(api(world.sm1), name="王芳", phone="13900000022", site=world.s1.pk, owner=world.s1b.pk)
    assert r.status_code == 201, r.content
    assert r.json()["owner"] == world.s1b.pk
    r = post(api(world.sm1), name="王芳", phone="13900000023", site=world.s1.pk, owner=world.s2a.pk)
    assert r.status_code == 400 and set(r.json()) == {"owner"}
    r = post(api(world.s1a), name="王芳", phone="13900000024", site=world.s1.pk, owner=world.s1b.pk)
    assert r.status_code == 403
    assert Customer.objects.count() == 1


def test_field_errors_are_400_per_field(world, api):  # noqa: ANN001
    client = api(world.s1a)
    r = post(client, site=world.s1.pk)
    assert r.status_code == 400 and {"name", "phone"} <= set(r.json())
    r = post(client, name="张伟", phone="12345", site=world.s1.pk, id_number="110105194912310021")
    assert r.status_code == 400
    assert set(r.json()) == {"phone", "id_number"}
    assert all(isinstance(m, str) for m in r.json()["phone"])
    r = post(client, name="张伟", phone="13900000011", site=world.s1.pk, source="nope", gender="Q")
    assert r.status_code == 400 and "gender" in r.json()
    r = post(client, name="张伟", phone="13900000011", site=world.s1.pk, source="nope")
    assert r.status_code == 400 and set(r.json()) == {"source"}
    r = post(client, name="张伟", phone="13900000011", site=world.s1.pk, birth_date="2999-01-01")
    assert r.status_code == 400 and set(r.json()) == {"birth_date"}
    assert not Customer.objects.exists()


def test_intention_errors_name_the_intention_fields(world, api):  # noqa: ANN001
    client = api(world.s1a)
    r = post(
        client,
        name="张伟",
        phone="13900000011",
        site=world.s1.pk,
        intention={"budget_min": "3", "budget_max": "2"},
    )
    assert r.status_code == 400
    assert set(r.json()) == {"intention"} and set(r.json()["intention"]) == {"budget_max"}
    r = post(client, name="张伟", phone="bad", site=world.s1.pk, intention={"area_min": "-5"})
    assert r.status_code == 400
    assert set(r.json()) == {"phone", "intention"} and set(r.json()["intention"]) == {"area_max"}
    assert not Customer.objects.exists()


def test_duplicate_is_409_with_masked_phone_and_owner_name_only(world, api):  # noqa: ANN001
    CustomerFactory(site=world.s1, owner=world.s1a, phone="13912345678", name="秘密名字")
    r = post(api(world.ag1), name="别人", phone="139 1234 5678", site=world.s1.pk)
    assert r.status_code == 409
    body = r.json()
    assert set(body) == {"code", "detail", "owner_name", "phone"}
    assert (body["code"], body["owner_name"], body["phone"]) == (
        "duplicate_customer",
        "张顾问",
        "139****5678",
    )
    assert "秘密名字" not in r.content.decode() and "13912345678" not in r.content.decode()
    assert post(api(world.s2a), name="别人", phone="13912345678", site=world.s2.pk).status_code == 201


def test_patch_edits_and_refuses_moves(world, api):  # noqa: ANN001
    c = CustomerFactory(site=world.s1, owner=world.s1a)
    client = api(world.s1a)
    r = client.patch(f"{URL}{c.pk}/", {"occupation": "医生", "intention": {"bedrooms": 3}}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["occupation"] == "医生" and r.json()["intention"]["bedrooms"] == 3
    assert client.patch(f"{URL}{c.pk}/", {"site": world.s2.pk}, format="json").status_code == 400
    assert client.patch(f"{URL}{c.pk}/", {"owner": None}, format="json").status_code == 400
    assert client.patch(f"{URL}{c.pk}/", {"owner": world.s1b.pk}, format="json").status_code == 403
    c.refresh_from_db()
    assert (c.site, c.owner) == (world.s1, world.s1a)


def test_patch_owner_and_bad_field_changes_nothing(world, api):  # noqa: ANN001
    c = CustomerFactory(site=world.s1, owner=world.s1a)
    r = api(world.sm1).patch(f"{URL}{c.pk}/", {"owner": world.s1b.pk, "phone": "bad"}, format="json")
    assert r.status_code == 400 and set(r.json()) == {"phone"}
    c.refresh_from_db()
    assert c.owner == world.s1a
    assert not AuditEvent.objects.filter(action="transfer").exists()


def test_transfer_endpoint(world, api):  # noqa: ANN001
    c = CustomerFactory(site=world.s1, owner=world.s1a)
    url = f"{URL}{c.pk}/transfer/"
    r = api(world.sm1).post(url, {"owner": world.s2a.pk}, format="json")
    assert r.status_code == 400 and set(r.json()) == {"owner"}
    assert api(world.sm1).post(url, {}, format="json").status_code == 400
    assert api(world.sm1).post(url, {"owner": 999999}, format="json").status_code == 400
    assert api(world.s1a).post(url, {"owner": world.s1b.pk}, format="json").status_code == 403
    assert api(world.sm2).post(url, {"owner": world.s1b.pk}, format="json").status_code == 404
    r = api(world.sm1).post(url, {"owner": world.s1b.pk}, format="json")
    assert r.status_code == 200 and (r.json()["owner"], r.json()["owner_name"]) == (world.s1b.pk, "李顾问")
    # The old owner no longer sees it; the new one sees the full phone.
    assert api(world.s1a).get(f"{URL}{c.pk}/").status_code == 404
    assert api(world.s1b).get(f"{URL}{c.pk}/").json()["phone"] == c.phone


def test_release_and_claim_endpoints(world, api):  # noqa: ANN001
    c = CustomerFactory(site=world.s1, owner=world.s1a, phone="13912345678")
    r = api(world.s1a).post(f"{URL}{c.pk}/release/", {"reason": "联系不上"}, format="json")
    assert r.status_code == 200 and (r.json()["in_pool"], r.json()["owner"]) == (True, None)
    assert r.json()["phone"] == "139****5678"  # no longer theirs
    assert api(world.s1a).post(f"{URL}{c.pk}/release/").status_code == 403
    r = api(world.sm1).post(f"{URL}{c.pk}/release/")
    assert r.status_code == 409 and r.json()["code"] == "already_in_pool"
    pool = api(world.s1b).get(URL, {"in_pool": "true"}).json()["results"]
    assert [(row["id"], row["phone"]) for row in pool] == [(c.pk, "139****5678")]
    assert api(world.s2a).post(f"{URL}{c.pk}/claim/").status_code == 404
    r = api(world.s1b).post(f"{URL}{c.pk}/claim/")
    assert r.status_code == 200 and r.json()["owner"] == world.s1b.pk and r.json()["phone"] == "13912345678"
    assert api(world.ag1).post(f"{URL}{c.pk}/claim/").status_code == 404  # gone from the pool
    assert AuditEvent.objects.get(action="release", object_id=c.pk).detail == {"reason": "联系不上"}


def test_claim_limit_over_the_api(world, api):  # noqa: ANN001
    world.s1.pool_claims_per_day = 1
    world.s1.save()
    a, b = (CustomerFactory(site=world.s1, owner=None, in_pool=True) for _ in range(2))
    assert api(world.s1a).post(f"{URL}{a.pk}/claim/").status_code == 200
    r = api(world.s1a).post(f"{URL}{b.pk}/claim/")
    assert r.status_code == 409 and r.json()["code"] == "claim_limit_reached" and "detail" in r.json()


def test_delete_is_only_for_admins(world, api):  # noqa: ANN001
    c = CustomerFactory(site=world.s1, owner=world.s1a)
    assert api(world.s1a).delete(f"{URL}{c.pk}/").status_code == 403
    assert api(world.cm).delete(f"{URL}{c.pk}/").status_code == 403
    assert api(world.s2a).delete(f"{URL}{c.pk}/").status_code == 404
    assert api(world.admin).delete(f"{URL}{c.pk}/").status_code == 204
    assert not Customer.objects.exists()
    assert AuditEvent.objects.filter(action="erase", object_id=c.pk).exists()
    assert AuditEvent.objects.filter(action="denied", actor=world.s1a).exists()


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_export(world, api):  # noqa: ANN001
    for i, name in enumerate(["=1+2", "+SUM(A1)", "-3", "@cmd", "张伟"]):
        r = post(
            api(world.s1a), name=name, phone=f"1390000000{i}", site=world.s1.pk, occupation="=HYPERLINK(x)"
        )
        assert r.status_code == 201, r.content
    before = timezone.localtime()
    r = api(world.sm1).get(f"{URL}export/", {"format": "csv"})
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/csv")
    assert r["Content-Disposition"].startswith('attachment; filename="customers-')
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = _csv_rows(r.content)
    assert "一号经理" in rows[1][0]
    stamp = dt.datetime.strptime(
        re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", rows[1][0]).group(), "%Y-%m-%d %H:%M:%S"
    )
    assert abs(stamp - before.replace(tzinfo=None)) < dt.timedelta(minutes=1)
    data = rows[3:]
    names = {row[1] for row in data}
    assert names == {"'=1+2", "'+SUM(A1)", "'-3", "'@cmd", "张伟"}
    occupation = rows[2].index(next(h for h in rows[2] if h in ("Occupation", "职业")))
    assert {row[occupation] for row in data} == {"'=HYPERLINK(x)"}
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in data for cell in row)
    event = AuditEvent.objects.get(action="export")
    assert (event.actor, event.object_type, event.detail["row_count"]) == (world.sm1, "customer", 5)
    assert event.detail["format"] == "csv"


def test_xlsx_export_filtered_and_audited(world, api):  # noqa: ANN001
    CustomerFactory(site=world.s1, owner=world.s1a, name="=evil()", status="visited")
    CustomerFactory(site=world.s1, owner=world.s1a, name="张伟")
    CustomerFactory(site=world.s2, owner=world.s2a, name="李娜", status="visited")
    r = api(world.cm).get(f"{URL}export/", {"format": "xlsx", "status": "visited"})
    assert r.status_code == 200
    assert r["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert "总监" in rows[1][0]
    assert sorted(row[1] for row in rows[3:]) == sorted(["'=evil()", "李娜"])
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    event = AuditEvent.objects.get(action="export")
    assert event.detail["row_count"] == 2 and event.detail["filters"] == {"status": "visited"}
    audit = api(world.cm).get("/api/v1/audit-events/", {"action": "export"}).json()["results"]
    assert [(e["actor"], e["action"], e["row_count"]) for e in audit] == [("总监", "export", 2)]


def test_export_refusals(world, api):  # noqa: ANN001
    assert api(world.s1a).get(f"{URL}export/", {"format": "csv"}).status_code == 403
    assert api(world.ag1).get(f"{URL}export/", {"format": "xlsx"}).status_code == 403
    assert api().get(f"{URL}export/").status_code == 401
    r = api(world.sm1).get(f"{URL}export/", {"format": "pdf"})
    assert r.status_code == 400 and set(r.json()) == {"format"}
    assert not AuditEvent.objects.filter(action="export").exists()
    assert AuditEvent.objects.filter(action="denied", actor=world.s1a).exists()


def test_bad_filter_is_400(world, api):  # noqa: ANN001
    r = api(world.sm1).get(URL, {"status": "nonsense"})
    assert r.status_code == 400 and set(r.json()) == {"status"}


def test_request_body_too_large_is_413(world, api, settings):  # noqa: ANN001
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    r = post(api(world.s1a), name="张伟", phone="13900000011", site=world.s1.pk, notes="x" * 20_000)
    assert r.status_code == 413
    assert not Customer.objects.exists()


def test_schema_and_docs_are_public(client):  # noqa: ANN001
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
