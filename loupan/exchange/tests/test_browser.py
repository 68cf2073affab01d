"""A large legacy file in a real Chromium: upload, map, dry run in the background with a
progress bar, commit, and the customers are there; a failing job says why on its page.

The background path is the one of a server without a broker: a thread of the web process
(``LOUPAN_JOBS_IN_THREAD``) for files above ``LOUPAN_IMPORT_INLINE_BYTES``. A gate in the
importer holds the dry run after its first chunk, so the page is seen mid-way every time.
"""

from __future__ import annotations

import threading

import pytest

from loupan.core.testing.browser import login, requires_chromium
from loupan.customers.models import Customer
from loupan.exchange.importing import engine
from loupan.exchange.importing.customers import CustomerImporter
from loupan.exchange.legacy_data import CUSTOMER_HEADERS, customer_rows, write_csv
from loupan.exchange.models import ImportJob
from loupan.org.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, requires_chromium, pytest.mark.django_db(transaction=True)]

ROWS, CHUNK = 300, 100


@pytest.fixture
def background(settings, monkeypatch):  # noqa: ANN001, ANN201
    """Every file goes to a thread of the live server, in chunks of 100 rows; the threads
    are done (audit record written, connection closed) before the database is flushed."""
    settings.LOUPAN_JOBS_IN_THREAD = True
    settings.LOUPAN_IMPORT_INLINE_BYTES = 1024
    monkeypatch.setattr(engine, "CHUNK_ROWS", CHUNK)
    yield
    for thread in threading.enumerate():
        if thread.name == "loupan-run_import_task":
            thread.join(timeout=15)


@pytest.fixture
def gate(monkeypatch):  # noqa: ANN001, ANN201
    """Holds the first import before its second chunk until ``gate.set()`` (at most 15 s)."""
    release = threading.Event()
    original = CustomerImporter.handle
    calls = {"n": 0}

    def held(self, rows):  # noqa: ANN001, ANN202
        calls["n"] += 1
        if calls["n"] == 2:
            release.wait(timeout=15)
        return original(self, rows)

    monkeypatch.setattr(CustomerImporter, "handle", held)
    yield release
    release.set()  # never leave the thread waiting


def legacy_csv(tmp_path, bad_phone_row: int = 0):  # noqa: ANN001, ANN201
    rows = list(customer_rows(ROWS, sites=["S1", "S2"], salespeople=["张顾问", "王顾问"]))
    if bad_phone_row:
        rows[bad_phone_row - 2][2] = "12345"  # file row numbers count the header as row 1
    path = write_csv(tmp_path / "legacy_customers.csv", CUSTOMER_HEADERS, iter(rows))
    assert path.stat().st_size > 10 * 1024
    return path


def upload_and_map(page, base_url: str, path) -> None:  # noqa: ANN001
    page.goto(f"{base_url}/exchange/imports/")
    page.select_option("select[name=kind]", "customers")
    page.fill("input[name=source]", "老销售系统")
    page.set_input_files("input[name=file]", str(path))
    page.click("form[enctype='multipart/form-data'] button[type=submit]")
    page.wait_for_url("**/mapping/")
    # The proposal from the Chinese headers: the required fields are mapped.
    assert page.locator("select[name=col_0]").input_value() == "legacy_id"
    assert page.locator("select[name=col_2]").input_value() == "phone"
    assert "C000001" in page.locator("table.mapping").inner_text()


def finished(page, status: str) -> None:  # noqa: ANN001
    """Wait for the page to reload itself with the job in ``status`` (no more polling)."""
    page.locator(f"#import-status[data-status={status}]").wait_for(timeout=10_000)
    assert page.locator("#import-status").get_attribute("hx-get") is None
    assert page.locator("#import-status progress").count() == 0


def count(page, name: str) -> int:  # noqa: ANN001
    return int(page.locator(f"dl.props dd[data-count={name}]").inner_text())


def test_large_file_dry_run_then_commit_in_the_background(
    world, background, gate, new_page, live_server, tmp_path
) -> None:  # noqa: ANN001
    path = legacy_csv(tmp_path)
    page = new_page()
    login(page, live_server.url, "admin", PASSWORD)
    upload_and_map(page, live_server.url, path)

    page.click("button[name=dry_run]")
    page.wait_for_url(lambda url: url.rstrip("/").split("/")[-1].isdigit())
    job = ImportJob.objects.get()
    assert job.dry_run and job.status in ("queued", "running")  # not run in the request
    # The poll shows the first chunk read while the importer is held before the second.
    bar = page.locator("#import-status[data-status=running] progress")
    page.locator(f"#import-status[data-rows='{CHUNK}']").wait_for()
    percent = int(bar.get_attribute("value"))
    assert 0 < percent < 100
    assert f"{CHUNK}" in page.locator("#import-status").inner_text() and f"{percent}%" in page.content()
    gate.set()

    finished(page, "succeeded")
    assert (count(page, "total"), count(page, "created"), count(page, "errors")) == (ROWS, ROWS, 0)
    assert Customer.objects.count() == 0  # a dry run writes nothing

    page.click(f"form[action='/exchange/imports/{job.pk}/commit/'] button[type=submit]")
    page.wait_for_url(lambda url: f"/imports/{job.pk}/" not in url)
    finished(page, "succeeded")
    assert (count(page, "total"), count(page, "created"), count(page, "errors")) == (ROWS, ROWS, 0)
    commit = ImportJob.objects.get(dry_run=False)
    assert page.url.endswith(f"/exchange/imports/{commit.pk}/")
    assert (commit.status, commit.created) == ("succeeded", ROWS)
    assert Customer.objects.count() == ROWS
    assert set(Customer.objects.values_list("site__code", flat=True)) == {"S1", "S2"}
    assert page.errors == []


def test_rejected_and_failed_background_jobs_say_why(
    world, background, new_page, live_server, tmp_path, monkeypatch
) -> None:  # noqa: ANN001
    path = legacy_csv(tmp_path, bad_phone_row=250)
    page = new_page()
    login(page, live_server.url, "admin", PASSWORD)

    # A bad row, committed for real: rejected, the row is listed, nothing written.
    upload_and_map(page, live_server.url, path)
    page.click("button[name=commit]")
    finished(page, "rejected")
    assert count(page, "errors") == 1
    errors = page.locator("table.table tbody tr")
    assert errors.count() == 1 and errors.first.locator("td").first.inner_text() == "250"
    assert "12345" in errors.first.inner_text()
    assert Customer.objects.count() == 0

    # The importer breaks on the third chunk: failed, and the page shows the reason.
    original = CustomerImporter.handle
    calls = {"n": 0}

    def broken(self, rows):  # noqa: ANN001, ANN202
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return original(self, rows)

    monkeypatch.setattr(CustomerImporter, "handle", broken)
    upload_and_map(page, live_server.url, legacy_csv(tmp_path))
    page.click("button[name=commit]")
    finished(page, "failed")
    assert "disk full" in page.locator("#import-status .danger-text").inner_text()
    assert Customer.objects.count() == 0
    assert page.errors == []
