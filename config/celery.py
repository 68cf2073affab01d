"""Celery application. Without REDIS_URL the tasks run in-process (see settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("loupan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
