"""The Simplified Chinese catalogue is complete, compiled and used.

The completeness check runs `makemessages` on a copy of the `cocreate` package, so a
template or Python string added without a translation fails here, with its msgid listed.
"""

from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

import cocreate
from cocreate.accounts import actions as account_actions
from cocreate.communities import actions as community_actions
from cocreate.communities.models import Membership, Role

PACKAGE_DIR = Path(cocreate.__file__).resolve().parent
PO_PATH = PACKAGE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")


def require_gettext() -> None:
    missing = [
        tool for tool in ("xgettext", "msgmerge", "msguniq", "msgfmt") if not shutil.which(tool)
    ]
    assert not missing, f"GNU gettext is needed ({missing} not found): apt-get install gettext"


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstrs: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


def parse_po(path: Path) -> tuple[Entry, list[Entry]]:
    """A small .po reader: returns the header entry and the other (non-obsolete) entries."""
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int] | None = None
    started = False

    def finish() -> None:
        nonlocal current, started, target
        if started:
            if current.msgctxt is not None:
                # gettext's own key for a message with a context: "context\x04msgid"
                current.msgid = f"{current.msgctxt}\x04{current.msgid}"
            entries.append(current)
        current, started, target = Entry(), False, None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):  # obsolete
            continue
        if line.startswith("#,"):
            if started:
                finish()
            current.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            text = ast.literal_eval(line)
        else:
            keyword, _, rest = line.partition(" ")
            text = ast.literal_eval(rest)
            if (
                keyword in ("msgctxt", "msgid")
                and started
                and target is not None
                and target[0] == "msgstr"
            ):
                finish()
            started = True
            if keyword.startswith("msgstr["):
                target = ("msgstr", int(keyword[7:-1]))
            else:
                target = (keyword, 0)
        assert target is not None, f"{path}: unexpected line {raw!r}"
        name, index = target
        if name == "msgctxt":
            current.msgctxt = (current.msgctxt or "") + text
        elif name == "msgid":
            current.msgid += text
        elif name == "msgid_plural":
            current.msgid_plural = (current.msgid_plural or "") + text
        elif name == "msgstr":
            current.msgstrs[index] = current.msgstrs.get(index, "") + text
        else:
            raise AssertionError(f"{path}: unknown keyword in {raw!r}")
    finish()
    header = next(e for e in entries if e.msgid == "")
    return header, [e for e in entries if e.msgid != ""]


def header_fields(header: Entry) -> dict[str, str]:
    fields = {}
    for line in header.msgstrs[0].splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return fields


PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def placeholders(text: str) -> set[str]:
    return {p for p in PLACEHOLDER.findall(text) if p != "%%"}


def describe(entries: list[Entry]) -> str:
    return "\n".join(f"  - {e.msgid!r}" for e in entries)


def run_makemessages(package_copy: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "--locale",
            "zh_Hans",
            "--no-obsolete",
            "--no-location",
        ],
        cwd=package_copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- the catalogue -------------------------------------------------------------------------


def test_catalogue_header_declares_chinese_utf8_and_one_plural_form():
    header, entries = parse_po(PO_PATH)
    fields = header_fields(header)
    assert fields["Language"] == "zh_Hans"
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["Plural-Forms"] == "nplurals=1; plural=0;"
    assert "fuzzy" not in header.flags
    assert len(entries) > 300


def test_plural_entries_have_exactly_one_form():
    _header, entries = parse_po(PO_PATH)
    plurals = [e for e in entries if e.msgid_plural is not None]
    assert plurals, "expected plural messages such as '%(n)s member'"
    wrong = [e for e in plurals if set(e.msgstrs) != {0}]
    assert not wrong, "plural entries must have only msgstr[0]:\n" + describe(wrong)


def test_every_translation_keeps_the_placeholders_of_its_msgid():
    _header, entries = parse_po(PO_PATH)
    wrong = []
    for entry in entries:
        expected = placeholders(entry.msgid)
        if entry.msgid_plural is not None:
            expected |= placeholders(entry.msgid_plural)
        for msgstr in entry.msgstrs.values():
            if msgstr and placeholders(msgstr) != expected:
                wrong.append(f"  - {entry.msgid!r} -> {msgstr!r}")
    assert not wrong, "placeholders differ between msgid and msgstr:\n" + "\n".join(wrong)


def test_placeholder_check_notices_a_dropped_or_renamed_placeholder():
    assert placeholders("Welcome to %(name)s!") == {"%(name)s"}
    assert placeholders("欢迎！") != placeholders("Welcome to %(name)s!")
    assert placeholders("%(n)d 个") != placeholders("%(n)s 个")
    assert placeholders("100%% sure, %s") == {"%s"}


def test_translations_use_the_glossary_terms():
    with translation.override("zh-hans"):
        assert translation.gettext("Communities") == "社区"
        assert translation.gettext("Circles") == "圈子"
        assert translation.gettext("Charter") == "章程"
        assert translation.gettext("Sign in") == "登录"
        assert translation.gettext("Sign up") == "注册"
        assert translation.gettext("Sign out") == "退出登录"
        assert translation.gettext("Leave") == "退出社区"
        assert str(Role.OWNER.label) == "所有者"
        assert str(Role.MODERATOR.label) == "版主"
        assert translation.ngettext("%(n)s member", "%(n)s members", 7) % {"n": 7} == "7 位成员"


def test_catalogue_passes_msgfmt_checks():
    require_gettext()
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(PO_PATH)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_every_template_and_python_string_has_a_translation(tmp_path):
    require_gettext()
    package_copy = tmp_path / "cocreate"
    shutil.copytree(
        PACKAGE_DIR, package_copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    run_makemessages(package_copy)

    po = package_copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    header, entries = parse_po(po)
    untranslated = [e for e in entries if not e.msgstrs or not all(e.msgstrs.values())]
    fuzzy = [e for e in entries if "fuzzy" in e.flags and e not in untranslated]
    lacking = [f"  - {e.msgid!r}" for e in untranslated] + [
        f"  - {e.msgid!r} (fuzzy: guessed from a similar string, check it and drop the flag)"
        for e in fuzzy
    ]
    assert not lacking, (
        f"{len(lacking)} UI string(s) lack a checked Chinese translation. Run "
        "`cd cocreate && ../.venv/bin/cocreate makemessages --locale zh_Hans --no-obsolete "
        "--no-location`, translate them in locale/zh_Hans/LC_MESSAGES/django.po, then "
        "`../.venv/bin/cocreate compilemessages --locale zh_Hans`:\n" + "\n".join(lacking)
    )
    assert "fuzzy" not in header.flags

    # The committed catalogue already holds exactly what the sources ask for.
    _committed_header, committed = parse_po(PO_PATH)
    assert {e.msgid for e in entries} == {e.msgid for e in committed}, (
        "the committed django.po is out of date with the sources: re-run makemessages"
    )


def test_completeness_check_notices_a_missing_translation(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: zh_Hans\\n"\n\n'
        'msgid "Sign in"\nmsgstr "登录"\n\n'
        '#, fuzzy, python-format\nmsgid "Hello %(name)s,"\nmsgstr "%(name)s，你好："\n\n'
        'msgid "A new string"\nmsgstr ""\n\n'
        '#, python-format\nmsgid "%(n)s member"\nmsgid_plural "%(n)s members"\n'
        'msgstr[0] ""\n',
        encoding="utf-8",
    )
    _header, entries = parse_po(po)
    by_id = {e.msgid: e for e in entries}
    assert set(by_id) == {"Sign in", "Hello %(name)s,", "A new string", "%(n)s member"}
    assert by_id["Hello %(name)s,"].flags == {"fuzzy", "python-format"}
    assert by_id["A new string"].msgstrs == {0: ""}
    assert by_id["%(n)s member"].msgid_plural == "%(n)s members"
    assert by_id["%(n)s member"].msgstrs == {0: ""}


def test_committed_mo_matches_the_po(tmp_path):
    require_gettext()
    assert MO_PATH.exists(), "compile the catalogue: cocreate compilemessages --locale zh_Hans"
    fresh = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(fresh), str(PO_PATH)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr

    def load(path: Path) -> gettext.GNUTranslations:
        with path.open("rb") as fp:
            return gettext.GNUTranslations(fp)

    committed, expected = load(MO_PATH), load(fresh)

    def messages(catalog: gettext.GNUTranslations) -> dict:
        return {k: v for k, v in catalog._catalog.items() if k != ""}  # type: ignore[attr-defined]

    stale = {
        k: (messages(committed).get(k), v)
        for k, v in messages(expected).items()
        if messages(committed).get(k) != v
    }
    extra = set(messages(committed)) - set(messages(expected))
    assert not stale and not extra, (
        "django.mo is out of date: run `cocreate compilemessages --locale zh_Hans` "
        f"(changed: {sorted(map(str, stale))[:20]}, no longer in .po: {sorted(map(str, extra))})"
    )
    assert committed.info().get("plural-forms") == expected.info().get("plural-forms")
    assert committed.charset() == expected.charset() == "UTF-8"


# --- pages in Chinese ----------------------------------------------------------------------


@pytest.mark.django_db
def test_home_page_is_in_chinese_with_the_language_cookie():
    client = Client()
    client.cookies["cocreate_language"] = "zh-hans"
    with translation.override("zh-hans"):
        response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert ">社区</a>" in html  # "Communities" in the main navigation
    assert ">登录</a>" in html  # "Sign in"
    assert ">注册</a>" in html  # "Sign up"
    assert "Communities" not in html and ">Sign in<" not in html
    assert response.headers["Content-Language"] == "zh-hans"


@pytest.mark.django_db
def test_login_page_is_in_chinese_with_the_language_cookie():
    client = Client()
    client.cookies["cocreate_language"] = "zh-hans"
    with translation.override("zh-hans"):
        response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "登录" in html
    assert "忘记密码？" in html  # "Forgot your password?"
    assert "Sign in" not in html and "Forgot your password?" not in html


@pytest.mark.django_db
def test_pages_stay_in_english_without_the_cookie():
    html = Client().get("/accounts/login/").content.decode()
    assert '<html lang="en">' in html
    assert "Sign in" in html
    assert "登录" not in html


@pytest.mark.django_db
def test_membership_record_shows_translated_role_names(community, owner, member):
    """The admin page's record of a role change must not show raw role codes in Chinese."""
    membership = Membership.objects.get(community=community, user=member)
    community_actions.change_role(owner, membership, Role.MODERATOR)
    account_actions.set_language(owner, "zh-hans")

    client = Client()
    client.force_login(owner)
    response = client.get(f"/c/{community.slug}/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    line = next(
        (ln for ln in html.splitlines() if "的角色从" in ln),
        None,
    )
    assert line is not None, "the role change is missing from the membership record"
    assert "从 成员 改为 版主" in line, line
