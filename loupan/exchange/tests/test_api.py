"""``POST imports/`` and ``GET imports/{id}/`` as api-v1.md names them; the XLSX report; scope."""

import io
import json

import pytest
from openpyxl import load_workbook

from loupan.customers.models import Customer
from loupan.exchange.tests.conftest import csv_file

pytestmark = pytest.mark.django_db
URL = "/api/v1/imports/"
ROWS = [
    "legacy_id,name,phone,site,gender,birth_date",
    "A1,张三,13800138000,S1,M,1994-3-5",
    "A2,李四,138,S1,F,x",
]


def post(client, lines, **data):  # noqa: ANN001, ANN201
    return client.post(
        URL, {"kind": "customers", "file": csv_file(lines, "utf-8"), **data}, format="multipart"
    )


def test_dry_run_answers_the_spec_shape(world, api) -> None:  # noqa: ANN001
    response = post(api(world.sm1), ROWS, dry_run="true")
    assert response.status_code == 201
    body = response.json()
    assert {"id", "status", "total_rows", "valid_rows", "created", "updated", "errors"} <= set(body)
    assert (body["status"], body["total_rows"], body["valid_rows"], body["created"]) == ("rejected", 2, 1, 1)
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(3, "phone"), (3, "birth_date")]
    assert all(set(e) >= {"row", "column", "message"} for e in body["errors"])
    assert Customer.objects.count() == 0
    detail = api(world.sm1).get(f"{URL}{body['id']}/")
    assert detail.status_code == 200 and detail.json()["errors"] == body["errors"]


def test_commit_then_same_file_again_creates_nothing(world, api) -> None:  # noqa: ANN001
    client = api(world.cm)
    first = post(client, ROWS[:2], dry_run="false").json()
    again = post(client, ROWS[:2], dry_run="false").json()
    assert (first["status"], first["created"]) == ("succeeded", 1)
    assert (again["created"], again["updated"]) == (0, 0) and Customer.objects.count() == 1


def test_mapping_override_and_saved_mapping(world, api) -> None:  # noqa: ANN001
    lines = ["编号,客户,电话号,案场", "B1,王五,13700137000,S1"]
    client = api(world.admin)
    body = post(client, lines, dry_run="false", source="crm2003",
                mapping=json.dumps({"客户": "name", "电话号": "phone"}), save_mapping="true").json()  # fmt: skip
    assert body["status"] == "succeeded" and body["mapping"]["客户"] == "name"
    reused = post(
        client, ["编号,客户,电话号,案场", "B2,赵六,13600136000,S1"], dry_run="true", source="crm2003"
    )
    assert reused.json()["status"] == "succeeded"
    other_source = post(client, ["编号,客户,电话号,案场", "B3,钱七,13500135000,S1"], dry_run="true")
    assert other_source.json()["status"] == "rejected"
    bad = post(client, lines, mapping=json.dumps({"客户": "shoe_size"}))
    assert bad.status_code == 400 and "mapping" in bad.json()


def test_report_downloads_as_xlsx(world, api) -> None:  # noqa: ANN001
    client = api(world.sm1)
    job = post(client, ROWS).json()
    response = client.get(f"{URL}{job['id']}/report/")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == ("行", "列", "值", "说明") or rows[1][0] in ("Row", "行")
    assert rows[2][:2] == (3, "phone") and rows[2][2] == "138"


def test_scope_sales_may_not_import_and_others_jobs_are_404(world, api) -> None:  # noqa: ANN001
    job = post(api(world.sm1), ROWS).json()
    assert post(api(world.s1a), ROWS).status_code == 403
    assert api(world.s1a).get(URL).json()["count"] == 0
    assert api(world.sm2).get(f"{URL}{job['id']}/").status_code == 404
    assert api(world.cm).get(f"{URL}{job['id']}/").status_code == 200
    assert api().get(URL).status_code == 401


def test_openapi_describes_the_import_endpoints(world, api) -> None:  # noqa: ANN001
    response = api().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = json.loads(response.content)
    post_op = schema["paths"]["/api/v1/imports/"]["post"]
    props = post_op["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert "$ref" in props or "properties" in props
    assert "/api/v1/imports/{id}/" in schema["paths"]


def test_commit_a_dry_run_once(world, api) -> None:  # noqa: ANN001
    client = api(world.sm1)
    dry = post(client, ROWS[:2], dry_run="true").json()
    assert dry["status"] == "succeeded" and Customer.objects.count() == 0
    commit = client.post(f"{URL}{dry['id']}/commit/")
    assert commit.status_code == 201
    body = commit.json()
    assert (body["status"], body["dry_run"], body["dry_run_job"], body["created"]) == (
        "succeeded",
        False,
        dry["id"],
        1,
    )
    again = client.post(f"{URL}{dry['id']}/commit/")
    assert again.status_code == 409
    assert again.json() == {
        "code": "import_already_committed",
        "detail": again.json()["detail"],
        "commit_id": body["id"],
    }
    assert Customer.objects.count() == 1
    refused = client.post(f"{URL}{body['id']}/commit/")  # a commit is no dry run
    assert refused.status_code == 409 and refused.json()["code"] == "import_not_committable"
    rejected = post(client, ROWS, dry_run="true").json()
    assert client.post(f"{URL}{rejected['id']}/commit/").json()["code"] == "import_not_committable"
    assert api(world.sm2).post(f"{URL}{dry['id']}/commit/").status_code == 404
    assert api(world.s1a).post(f"{URL}{dry['id']}/commit/").status_code in (403, 404)
