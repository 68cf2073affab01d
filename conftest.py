"""Shared pytest fixtures: the standard test world, API clients, and the browser."""

from loupan.core.testing.browser import chromium, new_page  # noqa: F401
from loupan.core.testing.fixtures import *  # noqa: F401,F403
from loupan.core.tests.scope_world import m  # noqa: F401 - the world of every data-scope matrix
