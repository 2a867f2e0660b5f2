"""The interface speaks Norwegian bokmål (the msgids); English comes from locale/en.

The catalogue tests are the guard that keeps the English catalogue complete: every
string the code marks for translation is in locale/en/LC_MESSAGES/django.po, is
translated (not fuzzy, not empty, not a copy of the Norwegian), keeps its
placeholders, and is compiled into the committed .mo file. When one fails, run
`make messages`, translate what it added or flagged, and run it again to compile.
"""

from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import templatize

from collaborations.portfolio.models import TrafficLight

PO_PATH = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

# Same places `make messages` leaves out.
IGNORED_DIRS = {
    ".venv",
    "node_modules",
    "staticfiles",
    "tests",
    "benchmarks",
    "test-artifacts",
    "media",
    "locale",
}

# Strings that are rightly the same in both languages (proper names, codes, bare placeholders).
SAME_IN_ENGLISH = {
    "Samarbeidsportalen",
    "Norwegian Bokmål",  # settings.LANGUAGES names are written in English
    "English",
    "SHA-256",
    "Status",
    "status",
    "type",
    "Type",
    "Start",
    "plan",
    "Plan",
    "Partner",
    "%(n)s person",
    "person",
    "Person",
    "for",
    "For",
    # Values written into the import template's example row: the importer reads Norwegian.
    "alle",
    "alle unntatt %(name)s",
    "%(n)s %(l)s",
    "%(type)s %(year)s – %(collaboration)s",
}

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%%|\{\{\s*\w+\s*\}\}")


@dataclass
class PoEntry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


def parse_po(text: str) -> list[PoEntry]:
    """A small reader for gettext .po/.pot text; obsolete (#~) entries are skipped."""
    entries: list[PoEntry] = []
    current = PoEntry()
    target: tuple[str, int] | None = None
    started = False

    def flush() -> None:
        nonlocal current, target, started
        if started:
            entries.append(current)
        current, target, started = PoEntry(), None, False

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("#~"):
            continue
        elif line.startswith("#,"):
            if target and target[0] == "msgstr":
                flush()
            current.flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
        elif line.startswith("#"):
            if target and target[0] == "msgstr":
                flush()
        elif line.startswith('"'):
            assert target is not None, raw
            value = ast.literal_eval(line)
            kind, index = target
            if kind == "msgstr":
                current.msgstr[index] += value
            else:
                setattr(current, kind, (getattr(current, kind) or "") + value)
        else:
            keyword, _, rest = line.partition(" ")
            if keyword in ("msgctxt", "msgid") and target and target[0] == "msgstr":
                flush()
            started = True
            value = ast.literal_eval(rest)
            if keyword.startswith("msgstr"):
                index = int(keyword[7:-1]) if "[" in keyword else 0
                current.msgstr[index] = value
                target = ("msgstr", index)
            else:
                setattr(current, keyword, value)
                target = (keyword, 0)
    flush()
    return entries


def problems(entries: list[PoEntry]) -> list[str]:
    """What is wrong with a catalogue: untranslated, fuzzy, copied, or broken placeholders."""
    found = []
    for e in entries:
        if e.msgid == "":
            if "fuzzy" in e.flags:
                found.append("the header is fuzzy")
            continue
        label = repr(e.msgid[:70])
        if "fuzzy" in e.flags:
            found.append(f"fuzzy: {label}")
        if not e.msgstr or any(v == "" for v in e.msgstr.values()):
            found.append(f"untranslated: {label}")
            continue
        if e.msgid_plural is not None and sorted(e.msgstr) != [0, 1]:
            found.append(f"needs two plural forms: {label}")
        if e.msgstr[0] == e.msgid and e.msgid not in SAME_IN_ENGLISH:
            found.append(f"copied, not translated: {label}")
        sources = [e.msgid] + ([e.msgid_plural] if e.msgid_plural is not None else [])
        for index, text in e.msgstr.items():
            wanted = sorted(PLACEHOLDER.findall(sources[min(index, len(sources) - 1)]))
            if sorted(PLACEHOLDER.findall(text)) != wanted:
                found.append(f"placeholders differ: {label} -> {text[:70]!r}")
    return found


@pytest.fixture(scope="module")
def catalogue() -> list[PoEntry]:
    return parse_po(PO_PATH.read_text(encoding="utf-8"))


# -- The pages -------------------------------------------------------------------------


def test_it_speaks_norwegian_by_default(client, world):
    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="nb">' in html
    assert "Interkommunale samarbeid" in html
    assert "Hopp til innholdet" in html
    assert "Inter-municipal collaborations" not in html


def test_it_switches_to_english_through_the_language_form(client, world):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302

    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Inter-municipal collaborations" in html
    assert "Skip to content" in html
    assert "Interkommunalt politisk råd" not in html
    assert "Interkommunale samarbeid" not in html


def test_it_stays_norwegian_when_an_unknown_language_is_posted(client, world):
    client.post("/i18n/setlang/", {"language": "sv", "next": "/"})

    html = client.get("/").content.decode()
    assert '<html lang="nb">' in html
    assert "Interkommunale samarbeid" in html


def test_it_switches_back_to_norwegian(client, world):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.post("/i18n/setlang/", {"language": "nb", "next": "/"})

    html = client.get("/").content.decode()
    assert '<html lang="nb">' in html
    assert "Interkommunale samarbeid" in html


def test_it_translates_model_choice_labels():
    with translation.override("en"):
        assert str(TrafficLight.RED.label) == "Off track"
        assert str(TrafficLight.AMBER.label) == "At risk"
        assert str(TrafficLight.GREEN.label) == "On track"
    with translation.override("nb"):
        assert str(TrafficLight.RED.label) == "Ikke i rute"


def test_it_translates_plurals_and_placeholders():
    with translation.override("en"):
        one = translation.ngettext("%(n)s tiltak", "%(n)s tiltak", 1) % {"n": 1}
        many = translation.ngettext("%(n)s tiltak", "%(n)s tiltak", 3) % {"n": 3}
        greeting = translation.gettext("Innlogget som %(name)s") % {"name": "Kari"}
    assert (one, many, greeting) == ("1 measure", "3 measures", "Signed in as Kari")


# -- The catalogue ---------------------------------------------------------------------


def test_it_reads_untranslated_fuzzy_and_broken_entries_as_problems():
    """The guard below must be able to fail: the reader sees each kind of problem."""
    text = (
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        'msgid "Tiltak"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Fase"\nmsgstr "Phase"\n\n'
        'msgid "Risiko"\nmsgstr "Risiko"\n\n'
        '#, python-format\nmsgid "Hei %(name)s"\nmsgstr "Hello %(navn)s"\n\n'
        'msgid "%(n)s dag"\nmsgid_plural "%(n)s dager"\nmsgstr[0] "%(n)s day"\nmsgstr[1] ""\n\n'
        'msgid "I rute"\nmsgstr ""\n"On "\n"track"\n'
    )

    found = problems(parse_po(text))

    assert found == [
        "untranslated: 'Tiltak'",
        "fuzzy: 'Fase'",
        "copied, not translated: 'Risiko'",
        "placeholders differ: 'Hei %(name)s' -> 'Hello %(navn)s'",
        "untranslated: '%(n)s dag'",
    ]


def test_it_has_every_entry_translated(catalogue):
    assert len(catalogue) > 800
    assert problems(catalogue) == []


def test_it_has_a_compiled_catalogue_that_matches_the_po_file(catalogue):
    with MO_PATH.open("rb") as fp:
        compiled = gettext.GNUTranslations(fp)

    stale = []
    for e in catalogue:
        if not e.msgid:
            continue
        if e.msgid_plural is not None:
            got = [
                compiled.ngettext(e.msgid, e.msgid_plural, 1),
                compiled.ngettext(e.msgid, e.msgid_plural, 2),
            ]
            want = [e.msgstr.get(0), e.msgstr.get(1)]
        elif e.msgctxt is not None:
            got, want = compiled.pgettext(e.msgctxt, e.msgid), e.msgstr.get(0)
        else:
            got, want = compiled.gettext(e.msgid), e.msgstr.get(0)
        if got != want:
            stale.append(e.msgid[:70])
    assert stale == [], "the .mo is older than the .po: run `make messages`"


def _translatable_files(root: Path) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in IGNORED_DIRS and not d.startswith("."))
        found += [
            Path(dirpath) / f for f in sorted(filenames) if f.endswith((".py", ".html", ".txt"))
        ]
    return found


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs gettext's xgettext")
def test_it_has_every_string_the_code_marks_for_translation(catalogue):
    """Extract the msgids like makemessages does, and look for each in the catalogue."""
    root = Path(settings.BASE_DIR)
    with tempfile.TemporaryDirectory() as work:
        inputs = []
        for index, path in enumerate(_translatable_files(root)):
            if path.suffix == ".py":
                inputs.append(str(path))
                continue
            source = path.read_text(encoding="utf-8")
            if "trans" not in source:
                continue
            templatized = Path(work) / f"{index}.py"
            templatized.write_text(templatize(source, origin=str(path)), encoding="utf-8")
            inputs.append(str(templatized))
        files_from = Path(work) / "files.txt"
        files_from.write_text("\n".join(inputs), encoding="utf-8")
        result = subprocess.run(
            [
                "xgettext",
                "--language=Python",
                "--from-code=UTF-8",
                "--output=-",
                "--keyword=gettext_noop",
                "--keyword=gettext_lazy",
                "--keyword=ngettext_lazy:1,2",
                "--keyword=pgettext:1c,2",
                "--keyword=npgettext:1c,2,3",
                "--keyword=pgettext_lazy:1c,2",
                "--keyword=npgettext_lazy:1c,2,3",
                f"--files-from={files_from}",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    extracted = {e.key for e in parse_po(result.stdout) if e.msgid}
    known = {e.key for e in catalogue}

    assert len(extracted) > 800
    missing = sorted(msgid[:70] for _, msgid in extracted - known)
    assert missing == [], "strings missing from locale/en: run `make messages` and translate them"


TRANSLATION_CALLS = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
}


def _calls_inside_fstrings(path: Path, root: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.JoinedStr):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Call) and getattr(inner.func, "id", None) in TRANSLATION_CALLS:
                found.append(f"{path.relative_to(root)}:{inner.lineno}")
    return found


def test_it_sees_the_guard_for_translation_calls_inside_fstrings(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('x = f"{_(\'Tiltak\')}"\ny = _("Fase")\n', encoding="utf-8")

    assert _calls_inside_fstrings(sample, tmp_path) == ["sample.py:1"]


def test_it_has_no_translation_calls_inside_fstrings():
    """xgettext cannot see _() inside an f-string, so such text never reaches the catalogue."""
    root = Path(settings.BASE_DIR)
    found = [
        hit
        for p in _translatable_files(root)
        if p.suffix == ".py"
        for hit in _calls_inside_fstrings(p, root)
    ]
    assert found == []
