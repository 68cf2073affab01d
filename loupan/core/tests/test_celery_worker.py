"""The daily pool job through a real Celery worker and Redis (runs where REDIS_URL is set)."""

import datetime as dt

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.utils import timezone

from config.celery import app
from loupan.customers.models import Customer
from loupan.customers.tasks import release_idle_customers_task
from loupan.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="needs a Redis broker (REDIS_URL)")


def _forget_backend() -> None:
    # Celery caches the result backend per thread on first use; an earlier test may
    # have resolved it while no backend was configured.
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def real_worker():  # noqa: ANN201
    app.conf.update(task_always_eager=False, result_backend=settings.REDIS_URL, broker_url=settings.REDIS_URL)
    _forget_backend()
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=10):
            yield
    finally:
        app.conf.update(task_always_eager=True, result_backend=None)
        _forget_backend()


@pytest.mark.django_db(transaction=True)
def test_worker_releases_idle_customers_once(world, real_worker):
    long_ago = timezone.now() - dt.timedelta(days=world.s1.pool_after_days + 1)
    idle = CustomerFactory(site=world.s1, owner=world.s1a, last_touched_at=long_ago)
    fresh = CustomerFactory(site=world.s1, owner=world.s1a)

    first = release_idle_customers_task.delay().get(timeout=30)
    second = release_idle_customers_task.delay().get(timeout=30)

    assert first == {"released": 1}
    assert second == {"released": 0}
    idle.refresh_from_db()
    fresh.refresh_from_db()
    assert idle.in_pool and idle.owner is None
    assert not fresh.in_pool and fresh.owner == world.s1a
    assert Customer.objects.filter(in_pool=True).count() == 1
