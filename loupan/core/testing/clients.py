"""Test clients shared by the page tests of every app."""

from __future__ import annotations

from django.test import Client


def client_for(user) -> Client:  # noqa: ANN001
    """A test client with ``user`` logged in (a session, as a browser would have)."""
    client = Client()
    client.force_login(user)
    return client
