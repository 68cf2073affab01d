"""Shared pytest fixtures: the standard test world, API clients, and the browser."""

import hypothesis

from loupan.core.testing.browser import chromium, new_page  # noqa: F401
from loupan.core.testing.fixtures import *  # noqa: F401,F403
from loupan.core.tests.scope_world import m  # noqa: F401 - the world of every data-scope matrix

# Speed is measured by bench/, not by tests: no per-example deadline (on a loaded 2-core CI
# machine hypothesis' 200 ms deadline failed correct code).
hypothesis.settings.register_profile("loupan", deadline=None)
hypothesis.settings.load_profile("loupan")
