"""Template source rules that Django does not enforce itself."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_no_comment_spans_lines():
    """Django's {# … #} is one line only: across lines it is printed on the page as text."""
    offenders = [str(path.relative_to(TEMPLATES)) for path in sorted(TEMPLATES.rglob("*.html"))
                 if re.search(r"\{#(?:(?!#\}).)*\n", path.read_text(), flags=re.S)]
    assert offenders == []
