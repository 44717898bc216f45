"""The English catalogue: complete, in step with the Dutch source strings, and actually used by the pages.

Dutch is the source language; every string marked for translation needs an English msgstr in
src/keten/locale/en/LC_MESSAGES/django.po. After adding or changing a Dutch string, refresh and translate it:

    cd src/keten && DJANGO_SETTINGS_MODULE=tests.settings PYTHONPATH=../.. ../../.venv/bin/python ../../manage.py \
        makemessages -l en --no-obsolete
"""

import os
import re
import shutil
import subprocess
from contextlib import chdir
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.signals import setting_changed
from django.test import override_settings

IN_CI = os.environ.get("CI", "").lower() == "true"
PACKAGE_DIR = Path(settings.BASE_DIR)
LOCALE_DIR = PACKAGE_DIR / "locale"
PO_FILE = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
REFRESH_HINT = (
    "run `makemessages -l en --no-obsolete` in src/keten (see the docstring of tests/test_translations.py) "
    "and translate the new entries"
)

# The makemessages options the committed catalogue is built with; the freshness check uses the same.
MAKEMESSAGES_OPTIONS = {"locale": ["en"], "no_obsolete": True}
# makemessages reads these extensions for the "django" domain; only they are copied for the freshness check.
SOURCE_SUFFIXES = {".py", ".html", ".txt"}

KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$')
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\w*\}")
TAG = re.compile(r"<[^>]*>")


def require_gettext(*tools: str) -> None:
    """Skip without GNU gettext on a developer's machine; in CI the tools are required."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        message = f"GNU gettext is not installed (missing: {', '.join(missing)}); install it (`apt install gettext`)"
        if IN_CI:
            pytest.fail(message + ". It is required in CI.")
        pytest.skip(message)


def read_catalogue(path: Path) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The header fields and the live entries of a .po file, strings still in their escaped .po spelling.
    Each entry maps msgctxt/msgid/msgid_plural/msgstr/msgstr[n] to its text and "flags" to its #, line."""
    header, entries = {}, []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, key = {"flags": ""}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += line[2:]
            elif line.startswith("#"):  # comments, references and obsolete (#~) entries
                continue
            elif match := KEYWORD.match(line):
                key = match[1]
                entry[key] = match[2]
            elif line.startswith('"') and key:
                entry[key] += line[1:-1]
        if "msgid" not in entry:
            continue
        if entry["msgid"]:
            entries.append(entry)
        else:
            header = dict(field.split(": ", 1) for field in entry["msgstr"].split("\\n") if field)
            header["flags"] = entry["flags"]
    return header, entries


def msgid_key(entry: dict[str, str]) -> str:
    context = f"[{entry['msgctxt']}] " if "msgctxt" in entry else ""
    plural = f" | {entry['msgid_plural']}" if "msgid_plural" in entry else ""
    return context + entry["msgid"] + plural


def translations(entry: dict[str, str]) -> list[tuple[str, str]]:
    """(source, msgstr) pairs: msgid/msgstr, or for plurals msgid/msgstr[0] and msgid_plural/msgstr[n>0]."""
    if "msgid_plural" not in entry:
        return [(entry["msgid"], entry.get("msgstr", ""))]
    forms = sorted((key, value) for key, value in entry.items() if key.startswith("msgstr["))
    return [(entry["msgid"] if key == "msgstr[0]" else entry["msgid_plural"], value) for key, value in forms]


def test_catalogue_header_is_english_and_anonymous():
    header, _ = read_catalogue(PO_FILE)
    assert header["Language"] == "en"
    assert header["Content-Type"] == "text/plain; charset=UTF-8"
    assert header["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert "fuzzy" not in header["flags"]
    assert "@" not in header.get("Last-Translator", ""), "no personal names or e-mail addresses in the catalogue"


def test_every_string_has_an_english_translation():
    _, entries = read_catalogue(PO_FILE)
    assert len(entries) > 100, "the English catalogue looks truncated"
    fuzzy = [msgid_key(entry) for entry in entries if "fuzzy" in entry["flags"]]
    untranslated = [msgid_key(entry) for entry in entries if any(not text for _, text in translations(entry))]
    assert not (fuzzy or untranslated), (
        "entries without an English translation:\n" + "\n".join(untranslated)
        + "\nfuzzy entries (check them, then remove the `#, fuzzy` flag):\n" + "\n".join(fuzzy)
    )


def test_translations_keep_placeholders_and_markup():
    _, entries = read_catalogue(PO_FILE)
    broken = [
        f"{source!r} -> {text!r}"
        for entry in entries
        for source, text in translations(entry)
        if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text))
        or TAG.findall(source) != TAG.findall(text)
    ]
    assert not broken, "translations that change placeholders or HTML:\n" + "\n".join(broken)


def test_msgfmt_accepts_the_catalogue():
    require_gettext("msgfmt")
    result = subprocess.run(
        [shutil.which("msgfmt"), "--check", "--statistics", "-o", os.devnull, str(PO_FILE)],
        capture_output=True, text=True, check=False,
    )
    statistics = result.stderr.strip()
    assert result.returncode == 0, statistics
    assert "fuzzy" not in statistics and "untranslated" not in statistics, statistics


def test_catalogue_is_up_to_date_with_the_source(tmp_path):
    """Extract the strings afresh from a copy of src/keten and compare with the committed catalogue, so a new
    Dutch string without English fails here, and a string removed from the code leaves no stale entry."""
    require_gettext("xgettext", "msguniq", "msgmerge", "msgattrib")

    def only_sources(directory, names):
        return [
            name for name in names
            if (Path(directory) == PACKAGE_DIR and name == "locale")
            or name == "__pycache__"
            or (Path(directory, name).is_file() and Path(name).suffix not in SOURCE_SUFFIXES)
        ]

    copy = tmp_path / "keten"
    shutil.copytree(PACKAGE_DIR, copy, ignore=only_sources)
    fresh_locale = copy / "locale"
    fresh_locale.mkdir()
    with override_settings(LOCALE_PATHS=[fresh_locale]), chdir(copy):
        call_command("makemessages", verbosity=0, **MAKEMESSAGES_OPTIONS)

    fresh = {msgid_key(entry) for entry in read_catalogue(fresh_locale / PO_FILE.relative_to(LOCALE_DIR))[1]}
    committed = {msgid_key(entry) for entry in read_catalogue(PO_FILE)[1]}
    missing, stale = sorted(fresh - committed), sorted(committed - fresh)
    assert not (missing or stale), (
        f"the English catalogue is out of date; {REFRESH_HINT}.\nin the code, not in the catalogue:\n"
        + "\n".join(missing) + "\nin the catalogue, no longer in the code:\n" + "\n".join(stale)
    )


@pytest.fixture(scope="module")
def compiled_catalogue():
    """The pages need the compiled .mo; `make install` builds it, here it is rebuilt when missing or stale."""
    if not MO_FILE.exists() or MO_FILE.stat().st_mtime < PO_FILE.stat().st_mtime:
        require_gettext("msgfmt")
        with chdir(PACKAGE_DIR):
            call_command("compilemessages", locale=["en"], verbosity=0)
        # Forget catalogues Django loaded before the .mo existed, as it does when LOCALE_PATHS changes.
        setting_changed.send(sender=None, setting="LOCALE_PATHS", value=settings.LOCALE_PATHS, enter=True)


PAGES = {
    # url: (English phrase, Dutch phrase)
    "/": ("Keten against human trafficking", "Keten tegen mensenhandel"),
    "/accounts/login/": ("Log in to Keten", "Inloggen bij Keten"),
}


@pytest.mark.django_db
@pytest.mark.usefixtures("compiled_catalogue")
@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("language", ["en", "nl"])
def test_pages_speak_the_requested_language(client, url, language):
    english, dutch = PAGES[url]
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    page = response.content.decode()
    shown, hidden = (english, dutch) if language == "en" else (dutch, english)
    assert f'lang="{language}"' in page
    assert shown in page
    assert hidden not in page


@pytest.mark.django_db
@pytest.mark.usefixtures("compiled_catalogue")
def test_language_switcher_turns_the_interface_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 302
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Keten against human trafficking" in page
    assert "Log in" in page and "Inloggen" not in page
