"""Playwright fixtures driving Debian's Chromium (/usr/bin/chromium) against live_server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

CHROMIUM = os.environ.get("LOUPAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

requires_chromium = pytest.mark.skipif(
    not shutil.which(CHROMIUM), reason=f"Chromium not installed at {CHROMIUM} (make browser-deps)"
)


@pytest.fixture(scope="session")
def chromium() -> Iterator:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by
    # test set-up are still plain synchronous calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium, live_server):  # noqa: ANN001, ANN201
    """``new_page(width=1280, height=900, locale="zh-CN")``: a fresh browser context's page."""
    contexts = []

    def make(width: int = 1280, height: int = 900, locale: str = "zh-CN"):  # noqa: ANN202
        context = chromium.new_context(viewport={"width": width, "height": height}, locale=locale)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        page.on("console", lambda msg: msg.type == "error" and page.errors.append(msg.text))
        return page

    yield make
    for context in contexts:
        context.close()


def login(page, base_url: str, username: str, password: str) -> None:  # noqa: ANN001
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)
