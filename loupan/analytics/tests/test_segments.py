"""Purchase-intention segments: k chosen by the data, plain labels, scope, background runs, sampling."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from loupan.analytics import segmentation, selectors
from loupan.analytics.models import SegmentRun
from loupan.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
W = Decimal(10_000)


@pytest.fixture
def two_groups(world):  # noqa: ANN001, ANN201
    """30 young buyers of small flats (s1a) and 30 older upgraders of big ones (s1b), clearly apart."""
    cache.clear()
    today = timezone.localdate()
    for i in range(30):
        CustomerFactory(site=world.s1, owner=world.s1a, birth_date=today - dt.timedelta(days=365 * 28 + i),
                        intent_budget_min=(150 + i % 3) * W, intent_budget_max=(190 + i % 3) * W,
                        intent_area_min=Decimal(80), intent_area_max=Decimal(90), intent_bedrooms=2,
                        intent_purpose="self_use")  # fmt: skip
        CustomerFactory(site=world.s1, owner=world.s1b, birth_date=today - dt.timedelta(days=365 * 45 + i),
                        intent_budget_min=(500 + i % 3) * W, intent_budget_max=(600 + i % 3) * W,
                        intent_area_min=Decimal(140), intent_area_max=Decimal(160), intent_bedrooms=4,
                        intent_purpose="upgrade")  # fmt: skip
    return world


def test_k_chosen_by_the_data_with_plain_labels(two_groups):
    with translation.override("en"):
        result = selectors.segment_list(user=two_groups.cm)
    assert result["mode"] == "live" and result["k"] == 2 and result["intentions"] == 60
    young, older = sorted(result["segments"], key=lambda s: s["centroid"]["budget"])
    assert young["size"] == older["size"] == 30 and young["share"] == 50.0
    assert young["label"] == "young couples and singles, 1.5-2 million, 2 bedrooms, self use"
    assert older["label"] == "established families, 5-6 million, 4 bedrooms, upgrade"
    assert older["centroid"]["bedrooms"] == 4.0 and older["centroid"]["area"] == 150.0


def test_chinese_labels(two_groups):
    result = selectors.segment_list(user=two_groups.cm)
    labels = sorted(s["label"] for s in result["segments"])
    assert any("150-200万" in label and "2 室" in label for label in labels), labels


def test_api_shape_and_scope(two_groups, api):
    response = api(two_groups.s1a).get("/api/v1/segments/?k=2")
    assert response.status_code == 200 and response["X-Intentions"] == "30"  # their own customers only
    body = response.json()
    assert set(body[0]) == {"label", "size", "centroid", "share"}
    assert sum(s["size"] for s in body) == 30
    assert api(two_groups.s1a).get("/api/v1/segments/?k=50").status_code == 400
    assert api(two_groups.s2a).get("/api/v1/segments/").json() == []


def test_large_scopes_are_answered_from_the_latest_background_run(two_groups, api, monkeypatch):
    monkeypatch.setattr(selectors, "ON_THE_SPOT_LIMIT", 10)
    first = api(two_groups.sm1).get("/api/v1/segments/")
    assert first.status_code == 200 and first["X-Segments-Mode"] == "background"
    run = SegmentRun.objects.get()
    assert run.scope_key == f"sites:{two_groups.s1.pk}" and run.intentions == 60 and run.k == 2
    assert first["X-Computed-At"] == run.computed_at.isoformat()
    again = api(two_groups.sm1).get("/api/v1/segments/")
    assert again.json() == first.json() and SegmentRun.objects.count() == 1
    # another scope never reads this run
    api(two_groups.cm).get("/api/v1/segments/")
    assert set(SegmentRun.objects.values_list("scope_key", flat=True)) == {"all", f"sites:{two_groups.s1.pk}"}


def test_sampling_above_the_sample_size(two_groups, monkeypatch):
    monkeypatch.setattr(segmentation, "SAMPLE_SIZE", 20)
    from loupan.customers.models import Customer

    result = segmentation.compute(Customer.objects.all(), k=2)
    assert result.intentions == 60 and result.sample_size <= 20
    assert sum(s["size"] for s in result.segments) == 60


def test_segments_page(two_groups, client):
    client.force_login(two_groups.sm1)
    response = client.get("/analytics/segments/")
    html = response.content.decode()
    assert response.status_code == 200 and "segment-chart" in html and "150-200万" in html
    assert client.post("/analytics/segments/refresh/", {"k": "3"}).status_code == 302


def test_nightly_refresh_recomputes_scopes_in_use_and_prunes_old_runs(two_groups):
    from loupan.analytics import services
    from loupan.core.scheduler import run_due_jobs
    from loupan.org.services import user_deactivate

    now = timezone.now()
    yesterday = now - dt.timedelta(days=1)
    manager_run = services.segment_run_create(actor=two_groups.sm1, k=2)
    own_run = services.segment_run_create(actor=two_groups.s1b, k=None)
    SegmentRun.objects.filter(pk__in=[manager_run.pk, own_run.pk]).update(computed_at=yesterday)
    ancient = SegmentRun.objects.create(scope_key=manager_run.scope_key, k_requested=2, k=2, intentions=1,
                                        sample_size=1, computed_at=now - dt.timedelta(days=90))  # fmt: skip
    lone_old = SegmentRun.objects.create(scope_key="own:999999", k_requested=None, k=2, intentions=1,
                                         sample_size=1, computed_at=now - dt.timedelta(days=90))  # fmt: skip
    user_deactivate(actor=two_groups.admin, user=two_groups.s1b, hand_to=None)  # their scope is gone

    assert "refresh_segments" in run_due_jobs(now=now)

    fresh = SegmentRun.objects.filter(scope_key=manager_run.scope_key, k_requested=2).first()
    assert fresh.computed_at > yesterday and fresh.intentions == 60 and fresh.requested_by == two_groups.sm1
    assert SegmentRun.objects.filter(scope_key=own_run.scope_key).count() == 1  # skipped, not recomputed
    assert not SegmentRun.objects.filter(pk=ancient.pk).exists()  # superseded for 30+ days
    assert SegmentRun.objects.filter(pk=lone_old.pk).exists()  # the only run of its scope stays
    # a second pass the same night recomputes nothing
    assert services.segment_runs_refresh(now=now) == {"refreshed": 0, "skipped": 1, "deleted": 0}
