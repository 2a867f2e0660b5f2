"""The minutes PDF (reporting.views.minutes), measured against baselines in the same run. Not a test: prints figures.

    .venv/bin/python benchmarks/minutes.py [--runs 15] [--cold 3]

Uses a fresh SQLite database with the demo data (load_demo) in a temporary
folder, and the Senja meeting of 6.12.2017 (11 cases, 2 pages).

1. The view end to end (policy, selectors, template, WeasyPrint, PDF/A)
   against WeasyPrint alone rendering the same final HTML. Goal: median and
   p95 ratio <= 1.3, warm (in one process) and cold (the first request of a
   fresh process, which loads the vendored fonts).
2. The cases table with the fixed layout (static/css/report.css) against the
   automatic layout on the same HTML. Goal: fixed <= 0.25 x automatic.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("TESTING", "1")

GOAL_END_TO_END = 1.3
GOAL_FIXED_LAYOUT = 0.25
AUTO_LAYOUT = "<style>table.minutes-cases { table-layout: auto !important; }</style>"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def verdict(ratio: float, goal: float) -> str:
    return "MET" if ratio <= goal else "NOT MET"


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def setup():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from collaborations.meetings.models import Meeting

    if not Meeting.objects.exists():
        call_command("load_demo", verbosity=0)
    return Meeting.objects.get(body__collaboration__slug="senja", held_on="2017-12-06")


def minutes_html(meeting) -> str:
    from django.template.loader import render_to_string
    from django.utils import timezone

    return render_to_string("reporting/pdf/minutes.html", {
        "collaboration": meeting.body.collaboration, "meeting": meeting, "cases": list(meeting.cases.all()),
        "internal": False, "generated_at": timezone.localtime()})


def one_cold_run(kind: str) -> None:
    """In a fresh process, the first render: the view (`view`) or WeasyPrint alone on the same HTML (`alone`)."""
    meeting = setup()
    from django.test import Client
    from django.urls import reverse

    from reporting.pdf import html_to_pdf

    if kind == "view":
        url = reverse("reporting:minutes", args=["senja", meeting.pk])
        print(f"{timed(lambda: Client().get(url)):.1f}")
    else:
        html = minutes_html(meeting)
        print(f"{timed(lambda: html_to_pdf(html)):.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--cold", type=int, default=3)
    parser.add_argument("--cold-run", choices=["view", "alone"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold_run:
        one_cold_run(args.cold_run)
        return
    folder = Path(tempfile.mkdtemp(prefix="minutes-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(folder / "media")
    meeting = setup()

    cold = {"view": [], "alone": []}
    for _ in range(args.cold):
        for kind in cold:  # each the first render of a fresh process
            out = subprocess.run([sys.executable, __file__, "--cold-run", kind], capture_output=True, text=True,
                                 check=True, env=os.environ.copy()).stdout.split()
            cold[kind].append(float(out[-1]))
    cold_view, cold_alone = cold["view"], cold["alone"]

    from django.test import Client
    from django.urls import reverse

    from reporting.pdf import html_to_pdf

    client = Client()
    url = reverse("reporting:minutes", args=["senja", meeting.pk])
    html = minutes_html(meeting)
    auto_html = html.replace("</head>", AUTO_LAYOUT + "</head>")
    assert client.get(url).status_code == 200
    html_to_pdf(html)
    view, alone, auto = [], [], []
    for _ in range(args.runs):  # interleaved, so load on the machine hits both alike
        view.append(timed(lambda: client.get(url)))
        alone.append(timed(lambda: html_to_pdf(html)))
    for _ in range(max(3, args.runs // 5)):  # the automatic layout takes seconds a run
        auto.append(timed(lambda: html_to_pdf(auto_html)))
    fixed = alone[: len(auto)]

    print(f"Referatet for Senja 6.12.2017 (11 saker), {args.runs} varme og {args.cold} kalde kjøringer")
    rows = [
        ("view / WeasyPrint alone, warm", view, alone, GOAL_END_TO_END),
        ("view / WeasyPrint alone, cold", cold_view, cold_alone, GOAL_END_TO_END),
        ("fixed / automatic table layout", fixed, auto, GOAL_FIXED_LAYOUT),
    ]
    for label, measured, baseline, goal in rows:
        median_ratio = statistics.median(measured) / statistics.median(baseline)
        p95_ratio = p95(measured) / p95(baseline)
        print(f"  {label:32} median {statistics.median(measured):7.0f} ms / {statistics.median(baseline):7.0f} ms "
              f"= {median_ratio:4.2f}  p95 {p95(measured):7.0f} / {p95(baseline):7.0f} = {p95_ratio:4.2f}  "
              f"(goal <= {goal}) {verdict(max(median_ratio, p95_ratio), goal)}")


if __name__ == "__main__":
    main()
