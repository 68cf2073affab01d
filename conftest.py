"""Shared pytest fixtures: an organisation with one user per role and place."""

from loupan.core.testing.fixtures import *  # noqa: F401,F403
