"""The hostile corpus for free-text fields (tests/common/test_hostile_input.py):
the payloads, a reader of the forms a page offers (stdlib html.parser: what
a browser would submit), a filler of URL parameters from the matrix world,
and a fingerprint of the database that shows whether a refused form wrote
anything at all."""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

from django.apps import apps
from django.utils import timezone

# ---------------------------------------------------------------- payloads

MARKUP = "<script>alert(1)</script> <img src=x onerror=alert(1)> {{7*7}} {% debug %} javascript:alert(1)"
RTL_AND_COMBINING = "\u202eslaT\u202c e\u0301\u0308 \u0627\u0644\u0639\u0631\u0628\u064a\u0629"
MEGABYTE = "x" * 1_000_000
NUL = "før\x00etter"
LONE_SURROGATE_BYTES = "%ED%A0%80"  # "\ud800" as UTF-8 would be: no valid text at all
LONE_SURROGATE_RAW = b"\xed\xa0\x80"
# Django's own ("... 200 eller færre tegn ...") and the portal's ("Teksten er for lang: høyst ... tegn").
LENGTH_MESSAGE = re.compile(r"(for lang|maksimalt|høyst|eller færre)[^<]{0,80}tegn", re.IGNORECASE)


def hostile(tag: str) -> str:
    """Markup, template syntax, a javascript: link, right-to-left override and
    combining characters in one value, led by a tag that finds it again."""
    return f"{tag} {MARKUP} {RTL_AND_COMBINING}"


def short_hostile(tag: str, limit: int) -> str:
    """The most of the corpus that fits a field of `limit` characters."""
    for candidate in (hostile(tag), f"{tag} <script>alert(1)</script> {{{{7*7}}}}", f"{tag}<b>{{{{7*7}}}}</b>",
                      f"{tag}<b>"):
        if len(candidate) <= limit:
            return candidate
    return tag[:limit]


def shown_escaped(tag: str, value: str) -> list[str]:
    """How a stored `value` may appear in a page: escaped for HTML, and as is
    in JSON (decoded) and CSV."""
    return [escape(value, quote=True), escape(value, quote=False), value]


# What must never be in an HTML page, whatever was stored.
NEVER_IN_HTML = [
    re.compile(r"<script>alert\(", re.IGNORECASE),
    re.compile(r"<img src=x onerror", re.IGNORECASE),
    re.compile(r"""(href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.IGNORECASE),
]


# ---------------------------------------------------------------- forms as a browser sees them

@dataclass
class Field:
    name: str
    kind: str                  # "text", "textarea", "select", "hidden", "date", "number", "checkbox", ...
    value: str = ""
    maxlength: int | None = None
    required: bool = False
    options: list[str] = field(default_factory=list)
    multiple: bool = False
    selected: list[str] = field(default_factory=list)
    checked: bool = False
    inputmode: str = ""


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: list[Field] = field(default_factory=list)

    FREE_TEXT = ("text", "textarea", "search", "email", "url", "tel")

    @property
    def free_text(self) -> list[Field]:
        return [f for f in self.fields if f.kind in self.FREE_TEXT]

    @property
    def has_file(self) -> bool:
        return any(f.kind == "file" for f in self.fields)


class FormReader(HTMLParser):
    """Every <form> on a page with its fields, values and choices."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: tuple[str, bool] | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower(),
                              enctype=a.get("enctype", ""))
            self.forms.append(self._form)
        if self._form is None or "disabled" in a:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            self._form.fields.append(Field(a["name"], kind, a.get("value", "on" if kind in ("checkbox", "radio")
                                                                    else ""),
                                           int(a["maxlength"]) if a.get("maxlength", "").isdigit() else None,
                                           "required" in a, checked="checked" in a, inputmode=a.get("inputmode", "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea = Field(a["name"], "textarea", "",
                                   int(a["maxlength"]) if a.get("maxlength", "").isdigit() else None,
                                   "required" in a)
            self._form.fields.append(self._textarea)
        elif tag == "select" and a.get("name"):
            self._select = Field(a["name"], "select", required="required" in a, multiple="multiple" in a)
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = (a.get("value"), "selected" in a)
            self._select.options.append(a.get("value", ""))
            if "selected" in a:
                self._select.selected.append(a.get("value", ""))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            if self._textarea is not None:
                self._textarea.value = self._textarea.value.removeprefix("\n")
            self._textarea = None


def forms_in(html: str, page_url: str) -> list[Form]:
    reader = FormReader()
    reader.feed(html)
    for form in reader.forms:
        form.action = urlsplit(urljoin(page_url, form.action or page_url))._replace(fragment="").geturl()
    return [f for f in reader.forms if f.method == "post"]


# Values for required fields left empty on the page, so that a submission is
# otherwise valid and the hostile field is what is judged.
_plausible = itertools.count(1)


def plausible(f: Field) -> str:
    """A value a person could have typed; names differ from one submission to the next."""
    today = timezone.localdate()
    if "year" in f.name:
        return str(today.year)
    if f.kind == "date" or f.name.endswith("_on") or f.name.endswith("_due"):
        return today.isoformat()
    if f.kind == "number" or f.inputmode in ("decimal", "numeric"):
        return "50" if "percent" in f.name else "1"
    if f.kind == "email":
        return f"test{next(_plausible)}@example.no"
    return f"Prøver fiendtlig inndata {next(_plausible)}"


def submission(form: Form, overrides: dict[str, str] | None = None,
               defaults: dict[str, str | list[str]] | None = None) -> list[tuple[str, str]]:
    """What a browser submits, empty required fields filled (from `defaults`
    first), `overrides` applied."""
    overrides = overrides or {}
    defaults = {k: v for k, v in (defaults or {}).items() if k not in overrides}
    data: list[tuple[str, str]] = []
    for name, value in defaults.items():
        if any(f.name == name for f in form.fields):
            data += [(name, v) for v in (value if isinstance(value, list) else [value])]
    radios: dict[str, list[Field]] = {}
    for f in form.fields:
        if f.name in overrides or f.name in defaults or f.kind == "file":
            continue
        if f.kind == "radio":
            radios.setdefault(f.name, []).append(f)
        elif f.kind == "checkbox":
            if f.checked:
                data.append((f.name, f.value))
        elif f.kind == "select":
            chosen = [v for v in f.selected if v]
            if not chosen and f.required:
                chosen = [next((o for o in f.options if o), "")]
            elif not chosen and not f.multiple:
                chosen = [""]
            data += [(f.name, v) for v in chosen]
        else:
            value = f.value
            if not value and f.required:
                value = plausible(f)
            data.append((f.name, value))
    for name, group in radios.items():
        if name in overrides or name in defaults:
            continue
        chosen = next((f for f in group if f.checked), group[0])
        data.append((name, chosen.value))
    data += list(overrides.items())
    return data


def urlencoded(data: list[tuple[str, str]], raw: dict[str, str] | None = None) -> str:
    """The body of an x-www-form-urlencoded POST; `raw` values go in as
    already-encoded bytes (a lone surrogate cannot be encoded as UTF-8)."""
    body = urlencode(data)
    for name, encoded in (raw or {}).items():
        body += ("&" if body else "") + urlencode([(name, "")]) + encoded
    return body


def multipart(data: list[tuple[str, str]], files: dict[str, tuple[str, bytes]],
              raw: dict[str, bytes] | None = None) -> tuple[bytes, str]:
    """A multipart/form-data body (and its content type) with `raw` fields as
    bytes that are no valid UTF-8 (a lone surrogate)."""
    boundary = "----hostile-corpus-boundary"
    parts = []
    for name, value in [*[(k, v.encode()) for k, v in data], *(raw or {}).items()]:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value)
    for name, (filename, content) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f'Content-Type: application/pdf\r\n\r\n'.encode() + content)
    body = b"\r\n".join(parts) + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


# ---------------------------------------------------------------- "nothing half-saved"

def fingerprint() -> str:
    """Every row of the portal's own tables (history and audit trail
    included) and of the users: one hash that changes if anything was written."""
    digest = hashlib.sha256()
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
        if model._meta.app_label not in ("collaborations", "reporting", "auth", "guardian"):
            continue
        rows = model._default_manager.order_by("pk").values_list()
        digest.update(model._meta.label.encode())
        digest.update(repr(list(rows)).encode())
    return digest.hexdigest()
