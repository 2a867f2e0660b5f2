"""Report benchmarks. Not a test: prints figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python benchmarks/reports.py [--prepare --scale 0.02]

1. One council report end to end (history -> content -> HTML -> PDF/A) versus
   WeasyPrint alone rendering the same final HTML. Goal: ratio <= 1.3.
2. Every council report of the national dataset (generate_national_dataset)
   with 1 and with 2 real Celery workers on Redis and PostgreSQL. Goal:
   speed-up >= 1.8.
3. Peak RSS of a worker process rendering the largest regional report.
   Goal: <= 500 MB.

--prepare migrates the database and generates the national dataset at
--scale if it is not there. Jobs and files made by the benchmark are deleted.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("TESTING", "1")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--prepare", action="store_true")
    parser.add_argument("--scale", type=float, default=0.02)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("REDIS_URL"):
        sys.exit("Sett DATABASE_URL (PostgreSQL) og REDIS_URL: arbeiderne må se samme database og kø.")
    media = Path(tempfile.mkdtemp(prefix="report-bench-"))
    os.environ["MEDIA_ROOT"] = str(media)

    import django

    django.setup()
    from django.core.management import call_command

    from collaborations.registry.models import Collaboration

    if args.prepare:
        call_command("migrate", verbosity=0)
        if not Collaboration.objects.filter(slug__startswith="nasjonal-").exists():
            call_command("generate_national_dataset", scale=args.scale, today="2025-06-30")
    collaborations = list(Collaboration.objects.filter(slug__startswith="nasjonal-", memberships__isnull=False)
                          .distinct().order_by("pk"))
    if not collaborations:
        sys.exit("Fant ikke det nasjonale datasettet: kjør med --prepare.")
    print(f"Datasett: {len(collaborations)} samarbeid med medlemmer, {_measure_count()} tiltak.")
    one_report(collaborations, args.repeat)
    throughput(collaborations, media)
    peak_memory(collaborations, media)


def _measure_count() -> int:
    from collaborations.portfolio.models import Measure

    return Measure.objects.filter(collaboration__slug__startswith="nasjonal-").count()


def _biggest(collaborations):
    from collaborations.portfolio.models import Measure

    return max(collaborations, key=lambda c: Measure.objects.filter(collaboration=c).count())


def _member_with_most_measures(collaboration):
    from collaborations.portfolio.models import Participation
    from collaborations.registry.selectors import members_on

    members = members_on(collaboration, _cutoff())
    return max(members, key=lambda m: Participation.objects.filter(measure__collaboration=collaboration,
                                                                   municipality=m).count())


def _cutoff():
    import datetime as dt

    return dt.date(2024, 12, 31)


def one_report(collaborations, repeat: int) -> None:
    from reporting import pdf
    from reporting.content import build_content

    c = _biggest(collaborations)
    m = _member_with_most_measures(c)
    html = None
    totals, alone = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        content = build_content(collaboration=c, report_type="council", year=2024, cutoff=_cutoff(), municipality=m)
        body = pdf.content_html(content)
        html = pdf.document_html(content, body)
        data, pages = pdf.html_to_pdf(html)
        totals.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        pdf.html_to_pdf(html)
        alone.append(time.perf_counter() - t0)
    total, weasy = min(totals), min(alone)
    print(f"\n1) Én rapport til kommunestyret ({m.name} i {c.name}, {len(content.measures)} tiltak, {pages} sider, "
          f"{len(data) // 1024} kB), beste av {repeat}:")
    print(f"   hele veien: {total:.2f} s; WeasyPrint alene på samme HTML: {weasy:.2f} s; "
          f"forhold {total / weasy:.2f}× (mål ≤ 1,3×)")


class Workers:
    def __init__(self, n: int, queue: str, media: Path):
        env = {**os.environ, "MEDIA_ROOT": str(media), "TESTING": "1"}
        self.procs = [subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "-P", "prefork", "-c", "1",
             "--without-heartbeat", "--without-gossip", "--without-mingle", "-Q", queue, "-l", "warning",
             "-n", f"bench{i}-{queue}@%h"],
            cwd=BASE_DIR, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for i in range(n)]

    def children(self) -> list[int]:
        out = []
        for p in self.procs:
            path = Path(f"/proc/{p.pid}/task/{p.pid}/children")
            if path.exists():
                out += [int(x) for x in path.read_text().split()]
        return out

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)


def _wait_ready(queue: str, n: int) -> None:
    from portal.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1) or []
        if sum(1 for r in replies for name in r if queue in name) >= n:
            return
    raise SystemExit("Arbeiderne startet ikke.")


def _run_batch(collaborations, n_workers: int, media: Path, report_type: str = "council",
               only=None) -> tuple[float, list]:
    from django.conf import settings

    from reporting import services
    from reporting.models import ReportJob

    queue = f"bench-{uuid.uuid4().hex[:8]}"
    settings.REPORTS_QUEUE = queue
    workers = Workers(n_workers, queue, media)
    try:
        _wait_ready(queue, n_workers)
        t0 = time.perf_counter()
        ids = []
        for c in (only or collaborations):
            batch = services.report_request(acting_user=None, collaboration=c, report_type=report_type, year=2024,
                                            cutoff=_cutoff(), all_members=report_type == "council")
            ids += list(batch.jobs.values_list("pk", flat=True))
        peak = {}
        while True:
            for pid in workers.children():
                try:
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmHWM:"):
                            peak[pid] = max(peak.get(pid, 0), int(line.split()[1]))
                except FileNotFoundError:
                    pass
            left = ReportJob.objects.filter(pk__in=ids).exclude(status__in=["done", "failed"]).count()
            if not left:
                break
            time.sleep(0.1)
        elapsed = time.perf_counter() - t0
        jobs = list(ReportJob.objects.filter(pk__in=ids))
        failed = [j for j in jobs if j.status == "failed"]
        if failed:
            print(f"   {len(failed)} feilet, f.eks.: {failed[0].error}")
        return elapsed, jobs, peak
    finally:
        workers.stop()
        _cleanup()


def _cleanup() -> None:
    from django.core.files.storage import default_storage

    from reporting.models import ReportBatch, ReportJob

    for job in ReportJob.objects.filter(collaboration__slug__startswith="nasjonal-").exclude(file=""):
        default_storage.delete(job.file.name)
    ReportJob.objects.filter(collaboration__slug__startswith="nasjonal-").delete()
    ReportBatch.objects.filter(collaboration__slug__startswith="nasjonal-").delete()


def throughput(collaborations, media: Path) -> None:
    print("\n2) Alle rapporter til kommunestyrene i det nasjonale datasettet, ekte Celery-arbeidere (Redis + PostgreSQL):")
    one, jobs, _ = _run_batch(collaborations, 1, media)
    pages = sum(j.page_count or 0 for j in jobs)
    print(f"   1 arbeider:  {len(jobs)} rapporter ({pages} sider) på {one:.1f} s ({len(jobs) / one:.2f} rapporter/s)")
    two, jobs, _ = _run_batch(collaborations, 2, media)
    print(f"   2 arbeidere: {len(jobs)} rapporter på {two:.1f} s ({len(jobs) / two:.2f} rapporter/s)")
    print(f"   speed-up {one / two:.2f}× (mål ≥ 1,8×; maskinen har {os.cpu_count()} CPU-er)")


def peak_memory(collaborations, media: Path) -> None:
    c = _biggest(collaborations)
    elapsed, jobs, peak = _run_batch(collaborations, 1, media, report_type="regional", only=[c])
    job = jobs[0]
    print(f"\n3) Største rapport til regionrådet ({c.name}, {job.page_count} sider, {(job.size or 0) // 1024} kB, "
          f"{elapsed:.1f} s):")
    print(f"   høyeste RSS (VmHWM) i arbeiderprosessen som lagde den: {max(peak.values(), default=0) / 1024:.0f} MB "
          f"(mål ≤ 500 MB)")


if __name__ == "__main__":
    main()
