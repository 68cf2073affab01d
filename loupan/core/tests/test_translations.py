"""The Simplified Chinese catalogue: complete, placeholder-safe, compiled, and served.

The .po file is parsed here with a tiny reader (no polib dependency): every entry must
be translated and not fuzzy, and its placeholders (%(name)s, %d, %s, {{ x }}) must match
the English. The committed .mo must hold exactly the translated entries, so a machine
without gettext still shows Chinese. Pages render in Chinese by default and in English
with the ``django_language=en`` cookie.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

PLACEHOLDER = re.compile(
    r"%\([A-Za-z_][A-Za-z0-9_]*\)[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%[diouxXeEfFgGcrsa]|\{\{\s*[\w.]+\s*\}\}"
)


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"django.po:{self.line} {self.msgid!r}"


def parse_po(path: Path) -> list[Entry]:
    """A minimal .po reader: flags, msgctxt, msgid, msgid_plural, msgstr and msgstr[n]."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None
    pending_flags: set[str] = set()

    def start(lineno: int) -> Entry:
        nonlocal current, pending_flags
        current = Entry(line=lineno, flags=pending_flags)
        pending_flags = set()
        entries.append(current)
        return current

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#,"):
            pending_flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if line.startswith("#~"):
            pytest.fail(f"django.po:{lineno} holds an obsolete entry; run makemessages --no-obsolete")
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgctxt":
            start(lineno).msgctxt = ast.literal_eval(rest)
            target = ("msgctxt", None)
        elif keyword == "msgid":
            entry = current if current is not None and target == ("msgctxt", None) else start(lineno)
            entry.msgid = ast.literal_eval(rest)
            target = ("msgid", None)
        elif keyword == "msgid_plural":
            assert current is not None
            current.msgid_plural = ast.literal_eval(rest)
            target = ("msgid_plural", None)
        elif keyword.startswith("msgstr"):
            assert current is not None
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            current.msgstr[index] = ast.literal_eval(rest)
            target = ("msgstr", index)
        elif line.startswith('"'):
            assert current is not None and target is not None, f"django.po:{lineno}: stray string"
            text = ast.literal_eval(line)
            kind, index = target
            if kind == "msgstr":
                current.msgstr[index] += text
            elif kind == "msgctxt":
                current.msgctxt = (current.msgctxt or "") + text
            else:
                setattr(current, kind, getattr(current, kind) + text)
        else:
            pytest.fail(f"django.po:{lineno}: cannot read {raw!r}")
    return entries


def placeholders(text: str) -> list[str]:
    return sorted(re.sub(r"\s+", "", p) for p in PLACEHOLDER.findall(text))


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    assert PO_FILE.exists(), "run makemessages -l zh_Hans"
    return parse_po(PO_FILE)


def test_header_declares_chinese_utf8_and_one_plural_form(po_entries: list[Entry]) -> None:
    header = po_entries[0]
    assert header.msgid == "" and header.msgctxt is None
    assert "fuzzy" not in header.flags
    text = header.msgstr[0]
    assert "Project-Id-Version: Loupan" in text
    assert "Language: zh_Hans" in text
    assert "charset=UTF-8" in text
    assert "Plural-Forms: nplurals=1; plural=0;" in text


def test_every_entry_is_translated_and_not_fuzzy(po_entries: list[Entry]) -> None:
    messages = po_entries[1:]
    assert len(messages) > 100, "the catalogue looks truncated"
    problems = []
    for e in messages:
        if "fuzzy" in e.flags:
            problems.append(f"{e.label}: fuzzy")
        # Chinese has one plural form: msgstr, or msgstr[0] alone for a plural entry.
        if set(e.msgstr) != {0} or not all(s.strip() for s in e.msgstr.values()):
            problems.append(f"{e.label}: untranslated")
    assert not problems, "\n".join(problems)


def test_placeholders_match(po_entries: list[Entry]) -> None:
    problems = []
    for e in po_entries[1:]:
        # The one Chinese form serves every count, so it follows the plural source (an
        # English singular may spell the number out and drop its placeholder).
        source = e.msgid_plural or e.msgid
        for index, translation in e.msgstr.items():
            if placeholders(source) != placeholders(translation):
                problems.append(
                    f"{e.label} msgstr[{index}]: {placeholders(source)} != {placeholders(translation)}"
                )
    assert not problems, "\n".join(problems)


def test_mo_is_compiled_from_the_current_po(po_entries: list[Entry]) -> None:
    assert MO_FILE.exists(), "run compilemessages -l zh_Hans and commit django.mo"
    with MO_FILE.open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)
    mo = catalog._catalog  # type: ignore[attr-defined]
    translated = po_entries[1:]
    # GNUTranslations keys: "ctxt\x04msgid", and (msgid, n) for plural forms; "" is the header.
    mo_keys = {k for k in mo if k != ""}
    expected = set()
    for e in translated:
        key = f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt is not None else e.msgid
        if e.msgid_plural is None:
            expected.add(key)
            assert mo.get(key) == e.msgstr[0], f"{e.label}: django.mo is stale; run compilemessages"
        else:
            expected.add((key, 0))
            assert mo.get((key, 0)) == e.msgstr[0], f"{e.label}: django.mo is stale; run compilemessages"
    assert mo_keys == expected, "django.mo and django.po differ; run compilemessages"


# --- served pages ---------------------------------------------------------------------------------


def _login_url() -> str:
    from django.urls import reverse

    return reverse("login")


def _page(client, path: str, *, english: bool = False) -> str:  # noqa: ANN001
    if english:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


@pytest.mark.django_db
def test_login_page_is_chinese_by_default_and_english_on_request(client) -> None:  # noqa: ANN001
    html = _page(client, _login_url())
    assert "登录" in html and "用户名" in html and "密码" in html
    assert "Log in" not in html
    html = _page(client, _login_url(), english=True)
    assert "Log in" in html and "Username" in html
    assert "用户名" not in html


def test_logged_in_pages_are_chinese_by_default(client, world) -> None:  # noqa: ANN001
    client.force_login(world.sm1)
    home = _page(client, "/")
    assert "首页" in home and "公客池" in home and "我的客户" in home and "退出登录" in home
    assert "案场经理" in home  # the role under the user's name
    customers = _page(client, "/customers/")
    assert "客户" in customers and "公客池" in customers and "归属顾问" in customers
    assert "Customers" not in customers and "Public pool" not in customers


def test_logged_in_pages_are_english_with_the_language_cookie(client, world) -> None:  # noqa: ANN001
    client.force_login(world.sm1)
    home = _page(client, "/", english=True)
    assert "My customers" in home and "Public pool" in home and "Site manager" in home
    assert "公客池" not in home and "我的客户" not in home
    customers = _page(client, "/customers/", english=True)
    assert "Customers" in customers and "Owner" in customers
    assert "归属顾问" not in customers


@pytest.mark.parametrize(
    ("model", "zh", "en"),
    [
        ("sales.Activity", "跟进方式", "kind"),
        ("sales.Visit", "到访类型", "kind"),
        ("sales.PaymentScheduleItem", "款项类型", "kind"),
        ("channels.CommissionLine", "类型", "kind"),
        ("exchange.ImportJob", "类型", "kind"),
        ("exchange.ImportMapping", "类型", "kind"),
    ],
)
def test_every_field_named_kind_has_its_own_words(model: str, zh: str, en: str) -> None:
    """The msgid "kind" was 跟进方式 (the follow-up's method) on every model: the follow-up's
    field has the "follow-up" context, visits and payment schedules theirs, the rest 类型."""
    from django.apps import apps
    from django.utils import translation

    field = apps.get_model(model)._meta.get_field("kind")
    with translation.override("zh-hans"):
        assert str(field.verbose_name) == zh
    with translation.override("en"):
        assert str(field.verbose_name) == en


def test_the_follow_up_report_dimension_keeps_the_follow_up_word() -> None:
    from django.utils import translation

    from loupan.analytics.dims import D

    with translation.override("zh-hans"):
        assert str(D["kind"].label) == "跟进方式"
