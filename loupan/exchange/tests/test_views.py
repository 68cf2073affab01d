"""The import pages: upload, mapping (adjustable, savable), dry run, commit, progress, report."""

import io

import pytest

from loupan.core.testing.clients import client_for as login
from loupan.customers.models import Customer
from loupan.exchange.models import ImportJob, ImportMapping
from loupan.exchange.tests.conftest import csv_file

pytestmark = pytest.mark.django_db
LINES = [
    "客户编号,客户,手机,案场,生日",
    "W1,张三,13800138000,S1,1994年3月5日",
    "W2,李四,13900139000,S1,1994/3/6",
]


def test_upload_map_dry_run_then_commit(world) -> None:  # noqa: ANN001
    client = login(world.sm1)
    page = client.get("/exchange/imports/")
    assert page.status_code == 200 and "导入".encode() in page.content
    response = client.post(
        "/exchange/imports/", {"kind": "customers", "source": "old", "file": csv_file(LINES)}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exchange/imports/{job.pk}/mapping/"
    mapping_page = client.get(response["Location"])
    assert mapping_page.status_code == 200 and "13800138000" in mapping_page.content.decode()
    form = {"col_0": "legacy_id", "col_1": "name", "col_2": "phone", "col_3": "site", "col_4": "birth_date",
            "save_mapping": "on", "dry_run": "1"}  # fmt: skip
    done = client.post(response["Location"], form)
    job.refresh_from_db()
    assert done.status_code == 302 and job.status == "succeeded" and job.dry_run
    assert ImportMapping.objects.get(source="old", kind="customers").columns["客户"] == "name"
    assert Customer.objects.count() == 0
    detail = client.get(f"/exchange/imports/{job.pk}/")
    assert detail.status_code == 200 and f"/exchange/imports/{job.pk}/commit/" in detail.content.decode()
    client.post(f"/exchange/imports/{job.pk}/commit/")
    assert Customer.objects.count() == 2
    assert ImportJob.objects.filter(dry_run=False, status="succeeded", created=2).exists()


def test_errors_show_on_the_page_and_the_report_downloads(world) -> None:  # noqa: ANN001
    client = login(world.admin)
    client.post(
        "/exchange/imports/",
        {"kind": "customers", "source": "legacy", "file": csv_file([*LINES, "W3,坏,123,S1,"])},
    )
    job = ImportJob.objects.get()
    client.post(f"/exchange/imports/{job.pk}/mapping/", {"col_0": "legacy_id", "col_1": "name", "col_2": "phone",
                                                        "col_3": "site", "col_4": "", "commit": "1"})  # fmt: skip
    job.refresh_from_db()
    assert job.status == "rejected" and not job.dry_run and Customer.objects.count() == 0
    page = client.get(f"/exchange/imports/{job.pk}/").content.decode()
    assert "123" in page and "没有写入任何数据" in page or "Nothing was written" in page
    report = client.get(f"/exchange/imports/{job.pk}/report.xlsx")
    assert report.status_code == 200 and report.content[:2] == b"PK"


def test_progress_box_polls_until_finished(world) -> None:  # noqa: ANN001
    client = login(world.admin)
    client.post("/exchange/imports/", {"kind": "customers", "source": "legacy", "file": csv_file(LINES)})
    job = ImportJob.objects.get()
    job.status = "running"
    job.save()
    running = client.get(f"/exchange/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in running.content.decode() and "HX-Refresh" not in running
    job.status = "succeeded"
    job.save()
    finished = client.get(f"/exchange/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert finished["HX-Refresh"] == "true"


def test_sales_get_403_and_others_jobs_404(world) -> None:  # noqa: ANN001
    login(world.sm1).post("/exchange/imports/", {"kind": "customers", "source": "x", "file": csv_file(LINES)})
    job = ImportJob.objects.get()
    assert login(world.s1a).get("/exchange/imports/").status_code == 403
    assert login(world.sm2).get(f"/exchange/imports/{job.pk}/").status_code == 404
    assert login(world.sm2).get(f"/exchange/imports/{job.pk}/report.xlsx").status_code == 404
    assert "/exchange/imports/" not in login(world.s1a).get("/").content.decode()
    assert "/exchange/imports/" in login(world.sm1).get("/").content.decode()


def test_import_pages_use_their_own_words_not_the_follow_up_ones(world) -> None:  # noqa: ANN001
    """The msgids "Kind", "When" and "Message" had the follow-up form's translations (跟进方式,
    跟进时间, 短信/微信), shown on the import pages and report; the follow-up form keeps them."""
    from openpyxl import load_workbook

    from loupan.customers.tests.factories import CustomerFactory

    client = login(world.admin)
    client.post("/exchange/imports/", {"kind": "customers", "source": "legacy",
                                       "file": csv_file([*LINES, "W3,坏,123,S1,"])})  # fmt: skip
    job = ImportJob.objects.get()
    client.post(f"/exchange/imports/{job.pk}/mapping/", {"col_0": "legacy_id", "col_1": "name", "col_2": "phone",
                                                        "col_3": "site", "col_4": "", "commit": "1"})  # fmt: skip
    listing = client.get("/exchange/imports/").content.decode()
    detail = client.get(f"/exchange/imports/{job.pk}/").content.decode()
    assert "<th>类型</th>" in listing and "<th>时间</th>" in listing
    assert "<dt>类型</dt>" in detail and "<th>说明</th>" in detail
    for page in (listing, detail):
        assert "跟进方式" not in page and "跟进时间" not in page and "短信/微信" not in page
    report = load_workbook(io.BytesIO(client.get(f"/exchange/imports/{job.pk}/report.xlsx").content))
    cells = {c for row in report.active.iter_rows(values_only=True) for c in row}
    assert "说明" in cells and "短信/微信" not in cells
    customer = CustomerFactory(site=world.s1, owner=world.s1a)
    follow_up = login(world.s1a).get(f"/customers/{customer.pk}/").content.decode()
    assert "跟进方式" in follow_up and "跟进时间" in follow_up and "短信/微信" in follow_up


def test_a_double_click_on_commit_imports_once_and_says_so(world) -> None:  # noqa: ANN001
    client = login(world.sm1)
    client.post("/exchange/imports/", {"kind": "customers", "source": "old", "file": csv_file(LINES)})
    job = ImportJob.objects.get()
    client.post(f"/exchange/imports/{job.pk}/mapping/", {"col_0": "legacy_id", "col_1": "name", "col_2": "phone",
                                                        "col_3": "site", "col_4": "birth_date", "dry_run": "1"})  # fmt: skip
    first = client.post(f"/exchange/imports/{job.pk}/commit/")
    commit = ImportJob.objects.get(dry_run=False)
    assert first["Location"] == f"/exchange/imports/{commit.pk}/" and commit.dry_run_job_id == job.pk
    second = client.post(f"/exchange/imports/{job.pk}/commit/", follow=True)
    assert second.redirect_chain == [(f"/exchange/imports/{job.pk}/", 302)]
    page = second.content.decode()
    assert f"这次试运行已经正式导入或正在导入：见导入 {commit.pk}" in page
    assert f'data-commit="{commit.pk}"' in page and f"/exchange/imports/{job.pk}/commit/" not in page
    assert ImportJob.objects.filter(dry_run=False).count() == 1 and Customer.objects.count() == 2


def test_a_rejected_dry_run_cannot_be_committed(world) -> None:  # noqa: ANN001
    client = login(world.sm1)
    client.post("/exchange/imports/", {"kind": "customers", "source": "old",
                                       "file": csv_file([*LINES, "W3,坏,123,S1,"])})  # fmt: skip
    job = ImportJob.objects.get()
    client.post(f"/exchange/imports/{job.pk}/mapping/", {"col_0": "legacy_id", "col_1": "name", "col_2": "phone",
                                                        "col_3": "site", "col_4": "", "dry_run": "1"})  # fmt: skip
    job.refresh_from_db()
    assert job.status == "rejected"
    refused = client.post(f"/exchange/imports/{job.pk}/commit/", follow=True)
    assert "只有成功的试运行才能正式导入" in refused.content.decode()
    assert ImportJob.objects.count() == 1 and Customer.objects.count() == 0


def test_a_second_submit_of_the_mapping_form_runs_nothing_more(world) -> None:  # noqa: ANN001
    client = login(world.sm1)
    client.post("/exchange/imports/", {"kind": "customers", "source": "old", "file": csv_file(LINES)})
    job = ImportJob.objects.get()
    form = {
        "col_0": "legacy_id",
        "col_1": "name",
        "col_2": "phone",
        "col_3": "site",
        "col_4": "",
        "commit": "1",
    }
    client.post(f"/exchange/imports/{job.pk}/mapping/", form)
    again = client.post(f"/exchange/imports/{job.pk}/mapping/", form)
    assert again["Location"] == f"/exchange/imports/{job.pk}/"
    assert ImportJob.objects.count() == 1 and Customer.objects.count() == 2
