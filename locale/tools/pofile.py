"""Tiny stdlib-only helper for the English catalogue (locale/en/LC_MESSAGES/django.po).

    python locale/tools/pofile.py stats
    python locale/tools/pofile.py dump [--all] [--start N] [--count N]   # JSON of entries needing work
    python locale/tools/pofile.py apply translations.json                # fill msgstr, drop reviewed fuzzy

translations.json maps a key (msgctxt + "\\x04" + msgid, or just msgid) to a string, or to a list of
strings for plural entries.
"""

from __future__ import annotations

import ast
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "en" / "LC_MESSAGES" / "django.po"


@dataclass
class Entry:
    comments: list[str] = field(default_factory=list)  # every "#..." line kept verbatim
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # index -> text; singular uses 0
    obsolete: bool = False

    @property
    def key(self) -> str:
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid

    @property
    def flags(self) -> set[str]:
        out: set[str] = set()
        for line in self.comments:
            if line.startswith("#,"):
                out |= {f.strip() for f in line[2:].split(",") if f.strip()}
        return out

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(v != "" for v in self.msgstr.values())

    def drop_fuzzy(self) -> None:
        kept = []
        for line in self.comments:
            if line.startswith("#,"):
                flags = [
                    f.strip() for f in line[2:].split(",") if f.strip() and f.strip() != "fuzzy"
                ]
                if flags:
                    kept.append("#, " + ", ".join(flags))
                continue
            if line.startswith("#|"):  # previous msgid of a fuzzy match: obsolete once reviewed
                continue
            kept.append(line)
        self.comments = kept


def _unquote(s: str) -> str:
    return ast.literal_eval(s.strip())


def parse(text: str) -> list[Entry]:
    entries: list[Entry] = []
    cur = Entry()
    last: tuple[str, int] | None = None

    def flush() -> None:
        nonlocal cur, last
        if cur.comments or cur.msgid or cur.msgstr or cur.msgctxt is not None:
            entries.append(cur)
        cur, last = Entry(), None

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#~"):
            cur.obsolete = True
            cur.comments.append(raw)
            continue
        if line.startswith("#"):
            if (
                last is not None and last[0] != "comment"
            ):  # a comment after strings starts a new entry
                flush()
            cur.comments.append(raw)
            continue
        if line.startswith('"'):
            assert last is not None, raw
            kind, idx = last
            val = _unquote(line)
            if kind == "msgctxt":
                cur.msgctxt = (cur.msgctxt or "") + val
            elif kind == "msgid":
                cur.msgid += val
            elif kind == "msgid_plural":
                cur.msgid_plural = (cur.msgid_plural or "") + val
            else:
                cur.msgstr[idx] += val
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgctxt":
            if cur.msgid or cur.msgstr:
                flush()
            cur.msgctxt, last = _unquote(rest), ("msgctxt", 0)
        elif keyword == "msgid":
            if cur.msgstr:
                flush()
            cur.msgid, last = _unquote(rest), ("msgid", 0)
        elif keyword == "msgid_plural":
            cur.msgid_plural, last = _unquote(rest), ("msgid_plural", 0)
        elif keyword == "msgstr":
            cur.msgstr[0], last = _unquote(rest), ("msgstr", 0)
        elif keyword.startswith("msgstr["):
            idx = int(keyword[7:-1])
            cur.msgstr[idx], last = _unquote(rest), ("msgstr", idx)
        else:
            raise ValueError(f"cannot parse: {raw!r}")
    flush()
    return entries


def _escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n")


def _wrap(escaped: str, width: int = 77) -> list[str]:
    """Split an escaped string after spaces so every quoted line fits in 79 columns, like msgmerge."""
    out, line = [], ""
    for word in escaped.split(" ")[:-1]:
        piece = word + " "
        if line and len(line) + len(piece) > width:
            out.append(line)
            line = ""
        line += piece
    last = escaped.split(" ")[-1]
    if line and len(line) + len(last) > width:
        out.append(line)
        line = ""
    line += last
    if line:
        out.append(line)
    return out


def _field(keyword: str, value: str) -> list[str]:
    single = f'{keyword} "{_escape(value)}"'
    if len(single) <= 79 and "\n" not in value.rstrip("\n"):
        return [single]
    lines = [f'{keyword} ""']
    for part in value.splitlines(keepends=True):
        lines += [f'"{chunk}"' for chunk in _wrap(_escape(part))]
    return lines


def render(entries: list[Entry]) -> str:
    blocks = []
    for e in entries:
        if e.obsolete:
            blocks.append("\n".join(e.comments))
            continue
        lines = list(e.comments)
        if e.msgctxt is not None:
            lines += _field("msgctxt", e.msgctxt)
        lines += _field("msgid", e.msgid)
        if e.msgid_plural is not None:
            lines += _field("msgid_plural", e.msgid_plural)
            for idx in sorted(e.msgstr):
                lines += _field(f"msgstr[{idx}]", e.msgstr[idx])
        else:
            lines += _field("msgstr", e.msgstr.get(0, ""))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


HEADER_FIXES = {
    "Project-Id-Version": "Samarbeidsportalen",
    "Last-Translator": "Samarbeidsportalen",
    "Language-Team": "English",
    "Language": "en",
    "PO-Revision-Date": "2026-11-22 09:30+0100",
}


def fix_header(entries: list[Entry]) -> None:
    """Fill the template header makemessages writes, and drop its fuzzy flag."""
    header = next((e for e in entries if e.msgid == "" and not e.obsolete), None)
    if header is None:
        return
    lines = []
    for line in header.msgstr.get(0, "").splitlines():
        name, _, _ = line.partition(":")
        lines.append(f"{name}: {HEADER_FIXES[name]}" if name in HEADER_FIXES else line)
    header.msgstr = {0: "\n".join(lines) + "\n"}
    header.comments = [
        c
        for c in header.comments
        if not c.startswith("#,")
        and "DESCRIPTIVE TITLE" not in c
        and "COPYRIGHT HOLDER" not in c
        and "same license" not in c
        and "FIRST AUTHOR" not in c
    ]
    header.comments.insert(
        0, "# English catalogue for Samarbeidsportalen. msgids are Norwegian bokmål."
    )
    header.comments = [c for i, c in enumerate(header.comments) if c != "#" or i > 0]
    header.comments = [c for c in header.comments if c.strip() != "#"]


def load() -> list[Entry]:
    return parse(PO.read_text(encoding="utf-8"))


def needs_work(e: Entry) -> bool:
    return not e.obsolete and e.msgid != "" and (e.fuzzy or not e.translated)


def main(argv: list[str]) -> int:
    entries = load()
    cmd = argv[0] if argv else "stats"
    if cmd == "stats":
        live = [e for e in entries if not e.obsolete and e.msgid]
        print(
            json.dumps(
                {
                    "entries": len(live),
                    "translated": sum(e.translated and not e.fuzzy for e in live),
                    "untranslated": sum(not e.translated for e in live),
                    "fuzzy": sum(e.fuzzy for e in live),
                    "plural": sum(e.msgid_plural is not None for e in live),
                    "obsolete": sum(e.obsolete for e in entries),
                }
            )
        )
    elif cmd == "dump":
        everything = "--all" in argv
        start = int(argv[argv.index("--start") + 1]) if "--start" in argv else 0
        count = int(argv[argv.index("--count") + 1]) if "--count" in argv else 10_000
        todo = [e for e in entries if e.msgid and not e.obsolete and (everything or needs_work(e))]
        out = {}
        for e in todo[start : start + count]:
            item: object = e.msgid if e.msgid_plural is None else [e.msgid, e.msgid_plural]
            if e.fuzzy:  # show the old guess too, to be reviewed
                item = {"msgid": item, "fuzzy_guess": [e.msgstr[k] for k in sorted(e.msgstr)]}
            out[e.key] = item
        print(json.dumps(out, ensure_ascii=False, indent=0))
    elif cmd == "apply":
        translations: dict[str, object] = {}
        for path in argv[1:]:
            translations.update(json.loads(Path(path).read_text(encoding="utf-8")))
        applied = 0
        for e in entries:
            if e.obsolete or e.key not in translations:
                continue
            value = translations[e.key]
            if e.msgid_plural is not None:
                assert isinstance(value, list) and len(value) == 2, e.key
                e.msgstr = {0: value[0], 1: value[1]}
            else:
                assert isinstance(value, str), e.key
                e.msgstr = {0: value}
            e.drop_fuzzy()
            applied += 1
        fix_header(entries)
        PO.write_text(render(entries), encoding="utf-8")
        print(f"applied {applied}")
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
