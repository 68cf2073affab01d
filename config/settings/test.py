"""Test settings: the database comes from DATABASE_URL like everywhere else."""

from .base import *  # noqa: F401,F403
from .base import REST_FRAMEWORK, STATIC_ROOT

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
EMBEDDED_SCHEDULER = False
LOUPAN_JOBS_IN_THREAD = False
AXES_ENABLED = True
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"login": "1000/min"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Tests change data and read reports again at once: results are never kept unless a test asks.
LOUPAN_REPORT_CACHE_SLOW_SECONDS = 3600.0
