"""Development defaults for `make run`: SQLite under var/, debug on."""

from .base import *  # noqa: F401,F403
from .base import STATIC_ROOT, env

DEBUG = env.bool("DEBUG", default=True)

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
