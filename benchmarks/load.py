"""Load test: the portal under gunicorn on loopback, a mix of real pages. Not a test: prints figures.

    .venv/bin/python benchmarks/load.py [--seconds 60] [--clients 16] [--workers 3] [--scale S]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_load REDIS_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python benchmarks/load.py

Prepares a database: PostgreSQL from DATABASE_URL (created, migrated and
filled when something is missing, then kept), else a temporary SQLite file
built afresh every run. The data are the demo data (manage.py load_demo, whose
users have the password "demo") plus the national dataset
(generate_national_dataset --scale S; default 1.0 on PostgreSQL, 0.1 on the
temporary SQLite; 0 leaves it out).

Starts gunicorn (sync workers, as in the Dockerfile) on a free loopback port
with production settings: no DEMO, DEBUG or TESTING, hashed static files
collected into a temporary folder, a random SECRET_KEY, ALLOWED_HOSTS
127.0.0.1, no HTTPS redirect (plain HTTP on loopback), the Redis cache when
REDIS_URL is given (its cache keys are cleared first, so every run starts
cold). Logs a politician and a municipal administrator in through the real
log-in form (four log-ins at most), then:

1. warm-up: every address of the mix once, one after the other (cold cache);
2. floor: /helse/ alone (no database) with the same number of clients;
3. the mix: N clients (threads, stdlib http.client, a new connection per
   request like a browser behind no proxy) for --seconds, each drawing from a
   weighted mix of the start page, collaboration pages, dashboards (anonymous
   and politician), measure pages (anonymous and administrator), "Mine
   tiltak", the JSON API and the CSV export, and /helse/ under load.

Prints requests per second, p50/p95/p99 per group and overall, the ratio of
each group's p50 to the floor's, and errors: server errors (5xx), connection
errors (refused, reset, timed out, unfinished at the hard stop) and
unexpected statuses (any 3xx/4xx a page should not give) separately. Goal
(issue 12): 0 errors of any kind at 16 clients for 60 s: the last line says
MET or NOT MET, and the exit status is 1 when NOT MET. Bounded: clients stop
starting requests at --seconds and everything stops at --seconds + --grace;
gunicorn is stopped on every exit (also Ctrl-C and SIGTERM).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "demo"   # fixtures/demo/users.json and generate_national_dataset
DEMO_COLLABORATION = "nord-troms"
DEMO_POLITICIAN = "ordforer-kafjord"   # Kåfjord (5540), a member of Nord-Troms
DEMO_ADMINISTRATOR = "admin-nordreisa"
SERVER_ERROR, CONNECTION_ERROR, UNEXPECTED = "5xx", "nett", "uventet"


# ---- the load runner (stdlib only; tests drive it against a tiny server) ----------------------------


@dataclass(frozen=True)
class Target:
    """One address of the mix, as one visitor (cookie), with the statuses it may give."""
    path: str
    cookie: str = ""
    expect: frozenset = frozenset({200})


@dataclass
class Group:
    name: str
    weight: float
    targets: list[Target]


@dataclass
class Results:
    """Every finished request: (group, outcome, milliseconds, error kind or None); the outcome is the
    status or the name of the connection error."""
    rows: list = field(default_factory=list)
    unfinished: list = field(default_factory=list)   # groups of requests still running at the hard stop
    examples: dict = field(default_factory=dict)     # (group, kind) -> "path: detail", first one seen
    elapsed: float = 0.0
    server_cpu: float | None = None                  # CPU seconds the server's processes used meanwhile
    load_average: float | None = None                # the machine's 1-minute load average at the end


def request(host: str, port: int, method: str, path: str, *, cookie: str = "", body: str = "",
            timeout: float = 30.0) -> tuple[int, dict, bytes]:
    """One request on a new connection; returns status, headers (Set-Cookie as a list) and body."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        headers = {"Host": host, "User-Agent": "samarbeidsportalen-load/1"}
        if cookie:
            headers["Cookie"] = cookie
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body.encode() if body else None, headers=headers)
        response = connection.getresponse()
        data = response.read()
        found = {k.lower(): v for k, v in response.getheaders()}
        found["set-cookie"] = response.msg.get_all("Set-Cookie") or []
        return response.status, found, data
    finally:
        connection.close()


def outcome_kind(target: Target, outcome) -> str | None:
    """None for an expected answer, else the kind of error."""
    if isinstance(outcome, str):
        return CONNECTION_ERROR
    if outcome >= 500:
        return SERVER_ERROR
    return None if outcome in target.expect else UNEXPECTED


def run_load(host: str, port: int, groups: list[Group], *, clients: int, seconds: float, grace: float = 30.0,
             timeout: float = 30.0, max_requests: int | None = None, seed: int = 12) -> Results:
    """`clients` threads draw a group by weight and an address in it, until `seconds` have passed (or
    each has made `max_requests`); whatever is still running at seconds + grace is counted as
    unfinished, and nothing that ends later is counted."""
    results = Results()
    rows, examples, inflight = [], {}, {}
    lock = threading.Lock()
    stopped = threading.Event()
    weights = [g.weight for g in groups]
    start = time.monotonic()
    deadline = start + seconds

    def client(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        made = 0
        while time.monotonic() < deadline and not stopped.is_set() and made != max_requests:
            made += 1
            group = rng.choices(groups, weights)[0]
            target = rng.choice(group.targets)
            with lock:
                inflight[index] = group.name
            began = time.perf_counter()
            try:
                status, _headers, _body = request(host, port, "GET", target.path, cookie=target.cookie,
                                                  timeout=timeout)
                outcome, detail = status, str(status)
            except (OSError, http.client.HTTPException) as exc:
                outcome, detail = type(exc).__name__, f"{type(exc).__name__} {exc}"[:120]
            ms = (time.perf_counter() - began) * 1000
            kind = outcome_kind(target, outcome)
            with lock:
                if stopped.is_set():
                    return
                inflight.pop(index, None)
                rows.append((group.name, outcome, ms, kind))
                if kind:
                    examples.setdefault((group.name, kind), f"{target.path}: {detail}")

    threads = [threading.Thread(target=client, args=(i,), daemon=True, name=f"load-{i}") for i in range(clients)]
    for thread in threads:
        thread.start()
    hard_stop = deadline + grace
    for thread in threads:
        thread.join(timeout=max(0.0, hard_stop - time.monotonic()))
    with lock:
        stopped.set()
        results.elapsed = time.monotonic() - start
        results.rows = list(rows)
        results.examples = dict(examples)
        results.unfinished = list(inflight.values())
        for index, name in inflight.items():
            results.examples.setdefault((name, CONNECTION_ERROR), f"klient {index}: ikke ferdig ved hard stopp")
    return results


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0-100); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-p * len(ordered) // 100))))
    return ordered[rank - 1]


@dataclass
class Summary:
    count: int
    p50: float
    p95: float
    p99: float
    server_errors: int
    connection_errors: int
    unexpected: int

    @property
    def errors(self) -> int:
        return self.server_errors + self.connection_errors + self.unexpected


def summarise(results: Results, name: str | None = None) -> Summary:
    """Figures for one group (or all, name=None)."""
    rows = [r for r in results.rows if name is None or r[0] == name]
    times = [ms for _g, _o, ms, _k in rows]
    kinds = [kind for _g, _o, _ms, kind in rows]
    unfinished = sum(1 for g in results.unfinished if name is None or g == name)
    return Summary(len(rows), percentile(times, 50), percentile(times, 95), percentile(times, 99),
                   kinds.count(SERVER_ERROR), kinds.count(CONNECTION_ERROR) + unfinished, kinds.count(UNEXPECTED))


def _cpu(results: Results, count: int) -> str:
    """The server's CPU time per request, a figure less shaken by other work on the machine."""
    if results.server_cpu is None or not count:
        return ""
    return f"; tjenerens CPU-tid {1000 * results.server_cpu / count:.1f} ms per forespørsel"


def report(results: Results, groups: list[Group], *, clients: int, seconds: float,
           floor: Results | None = None, earlier_errors: int = 0, out=print) -> bool:
    """Prints the table and the verdict; True when there were no errors (nor `earlier_errors`,
    those of the warm-up)."""
    floor_summary = summarise(floor) if floor else None
    floor_rps = floor_summary.count / floor.elapsed if floor and floor.elapsed else 0.0
    if floor_summary:
        out(f"Gulv: /helse/ alene, {clients} klienter i {floor.elapsed:.0f} s: {floor_rps:.1f} forespørsler/s, "
            f"p50 {floor_summary.p50:.1f} ms, p95 {floor_summary.p95:.1f} ms, p99 {floor_summary.p99:.1f} ms, "
            f"{floor_summary.errors} feil{_cpu(floor, floor_summary.count)}")
    out(f"Blanding: {clients} klienter i {seconds:g} s")
    out("")
    header = (f"{'Gruppe':34} {'antall':>7} {'andel':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'÷gulv':>7} "
              f"{SERVER_ERROR:>5} {CONNECTION_ERROR:>5} {UNEXPECTED:>7}")
    out(header)
    out("-" * len(header))
    total = summarise(results)
    for g in groups:
        s = summarise(results, g.name)
        ratio = f"{s.p50 / floor_summary.p50:7.1f}" if floor_summary and floor_summary.p50 else f"{'-':>7}"
        share = 100 * s.count / total.count if total.count else 0.0
        out(f"{g.name[:34]:34} {s.count:7d} {share:5.1f}% {s.p50:8.1f} {s.p95:8.1f} {s.p99:8.1f} {ratio} "
            f"{s.server_errors:5d} {s.connection_errors:5d} {s.unexpected:7d}")
    out("-" * len(header))
    ratio = f"{total.p50 / floor_summary.p50:7.1f}" if floor_summary and floor_summary.p50 else f"{'-':>7}"
    out(f"{'Totalt':34} {total.count:7d} {100.0 if total.count else 0.0:5.1f}% {total.p50:8.1f} {total.p95:8.1f} "
        f"{total.p99:8.1f} {ratio} {total.server_errors:5d} {total.connection_errors:5d} {total.unexpected:7d}")
    out("")
    rps = total.count / results.elapsed if results.elapsed else 0.0
    versus = f" ({rps / floor_rps:.2f} × gulvets {floor_rps:.1f}/s)" if floor_rps else ""
    out(f"Forespørsler/s: {rps:.1f}{versus}; {total.count} forespørsler på {results.elapsed:.1f} s"
        f"{_cpu(results, total.count)}")
    if results.load_average is not None:
        out(f"Maskinens belastning (1 min) ved slutten: {results.load_average:.1f} på {os.cpu_count()} CPU-er")
    out(f"Feil: {total.server_errors} serverfeil (5xx), {total.connection_errors} tilkoblingsfeil, "
        f"{total.unexpected} uventede svar (3xx/4xx)")
    for (group, kind), example in sorted(results.examples.items()):
        out(f"  {kind} i «{group}», f.eks. {example}")
    if earlier_errors:
        out(f"Oppvarmingen ga {earlier_errors} feil (se over).")
    met = total.errors == 0 and not earlier_errors and (floor_summary is None or floor_summary.errors == 0)
    out(f"Mål: 0 feil med {clients} klienter i {seconds:g} s: {'MET' if met else 'NOT MET'}")
    return met


# ---- the portal: database, server, log-ins, the mix ---------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database if it does not exist (as benchmarks/dashboards.py does)."""
    if not url.startswith("postgres"):
        return
    from urllib.parse import urlparse

    import psycopg

    name = urlparse(url).path.lstrip("/")
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"Opprettet databasen {name}.")


def prepare_data(scale: float) -> None:
    from django.core.management import call_command
    from django.db import connection

    from collaborations.registry.models import Collaboration

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    if not Collaboration.objects.filter(slug=DEMO_COLLABORATION).exists():
        print("Laster demodataene (load_demo) ...", flush=True)
        with open(os.devnull, "w") as quiet:
            call_command("load_demo", stdout=quiet)
    if scale > 0 and not Collaboration.objects.filter(slug__startswith="nasjonal-").exists():
        print(f"Genererer nasjonalt datasett (--scale {scale:g}) ...", flush=True)
        with open(os.devnull, "w") as quiet:
            call_command("generate_national_dataset", scale=scale, stdout=quiet)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"Database klar på {time.monotonic() - started:.0f} s.", flush=True)


@dataclass
class Visitor:
    """A logged-in demo user and what the mix asks for as them."""
    username: str
    collaboration: object
    municipality: object
    cookie: str = ""


def visitors(scale: float) -> tuple[list, list, list]:
    """(anonymous collaborations, politicians, administrators)."""
    from django.db.models import Count

    from collaborations.registry.models import Collaboration, Membership, Municipality

    demo = Collaboration.objects.get(slug=DEMO_COLLABORATION)
    kafjord = Municipality.objects.filter(number="5540").order_by("-valid_from").first()
    nordreisa = Municipality.objects.filter(number="5544").order_by("-valid_from").first()
    collaborations = [demo]
    politicians = [Visitor(DEMO_POLITICIAN, demo, kafjord)]
    administrators = [Visitor(DEMO_ADMINISTRATOR, demo, nordreisa)]
    if scale > 0:
        # A typical regional council, as in benchmarks/dashboards.py: the median number of measures.
        regions = list(Collaboration.objects.filter(slug__startswith="nasjonal-region-")
                       .annotate(n=Count("measures")).order_by("n", "pk"))
        if regions:
            region = regions[len(regions) // 2]
            member = Membership.objects.filter(collaboration=region).select_related("municipality") \
                .order_by("municipality__name").first().municipality
            collaborations.append(region)
            politicians.append(Visitor(f"nasjonal-politiker-{member.pk}", region, member))
            administrators.append(Visitor(f"nasjonal-admin-{member.pk}", region, member))
    return collaborations, politicians, administrators


def log_in(host: str, port: int, username: str) -> str:
    """Log in through the real form (GET for the CSRF token, POST); returns the Cookie header."""
    from urllib.parse import urlencode

    status, headers, body = request(host, port, "GET", "/konto/login/")
    jar = SimpleCookie()
    for line in headers["set-cookie"]:
        jar.load(line)
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or match is None or "csrftoken" not in jar:
        raise SystemExit(f"Innloggingssiden svarte {status} uten CSRF-nøkkel.")
    form = urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": match.group(1).decode()})
    status, headers, _body = request(host, port, "POST", "/konto/login/", body=form,
                                     cookie=f"csrftoken={jar['csrftoken'].value}")
    for line in headers["set-cookie"]:
        jar.load(line)
    if status != 302 or "sessionid" not in jar or not jar["sessionid"].value:
        raise SystemExit(f"Innloggingen som {username} feilet (status {status}).")
    return "; ".join(f"{k}={jar[k].value}" for k in ("csrftoken", "sessionid"))


def build_mix(collaborations, politicians, administrators, per_list: int = 25, seed: int = 12) -> list[Group]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser
    from django.urls import reverse

    from collaborations.portfolio.selectors import measures_for_list, my_measures, strategies_of

    rng = random.Random(seed)
    User = get_user_model()

    def sample(ids) -> list[int]:
        ids = sorted(ids)
        return sorted(rng.sample(ids, min(per_list, len(ids))))

    def dashboards(collaboration, municipality) -> list[str]:
        slug = collaboration.slug
        pages = [reverse("dashboard_overview", args=[slug]),
                 reverse("dashboard_host_balance", args=[slug]),
                 reverse("dashboard_priority", args=[slug]),
                 reverse("dashboard_costs", args=[slug]),
                 reverse("collaboration_measures", args=[slug]),
                 reverse("collaboration_measures", args=[slug]) + "?exception=any",
                 reverse("dashboard_municipality", args=[slug, municipality.number])]
        strategy = strategies_of(collaboration).first()
        if strategy:
            pages.append(reverse("dashboard_strategy", args=[slug, strategy.number]))
        return pages

    anonymous_dashboards, anonymous_measures, pages = [], [], []
    for c, v in zip(collaborations, politicians, strict=False):
        anonymous_dashboards += [Target(p) for p in dashboards(c, v.municipality)]
        anonymous_measures += [Target(reverse("measure_detail", args=[pk]))
                               for pk in sample(measures_for_list(AnonymousUser(), c).values_list("pk", flat=True))]
        pages.append(Target(reverse("collaboration_detail", args=[c.slug])))
    politician_dashboards = [Target(p, v.cookie) for v in politicians for p in dashboards(v.collaboration,
                                                                                             v.municipality)]
    admin_measures, api_details = [], []
    for v in administrators:
        ids = sample(my_measures(User.objects.get(username=v.username)).values_list("pk", flat=True))
        admin_measures += [Target(reverse("measure_detail", args=[pk]), v.cookie) for pk in ids]
        api_details += [Target(reverse("api_measure", args=[pk]), v.cookie) for pk in ids]
    logged_in = politicians + administrators
    api_lists = [Target(reverse("api_collaborations"), v.cookie) for v in logged_in] + \
                [Target(reverse("api_measures", args=[v.collaboration.slug]), v.cookie) for v in logged_in]
    groups = [
        Group("Forside (anonym)", 4, [Target(reverse("home"))]),
        Group("Start (innlogget, 200/302)", 3, [Target(reverse("start"), v.cookie, frozenset({200, 302}))
                                                for v in logged_in]),
        Group("Samarbeidsside (anonym)", 4, pages),
        Group("Dashbord (anonym)", 20, anonymous_dashboards),
        Group("Dashbord (folkevalgt)", 16, politician_dashboards),
        Group("Tiltaksside (anonym)", 14, anonymous_measures),
        Group("Tiltaksside (kommuneadmin)", 8, admin_measures),
        Group("Mine tiltak (kommuneadmin)", 6, [Target(reverse("my_measures"), v.cookie) for v in administrators]),
        Group("API: lister (innlogget)", 8, api_lists),
        Group("API: tiltak (innlogget)", 8, api_details),
        Group("CSV-eksport (innlogget)", 2, [Target(reverse("measures_csv", args=[v.collaboration.slug]), v.cookie)
                                             for v in administrators]),
        Group("/helse/ under last", 3, [Target(reverse("health"))]),
    ]
    return [g for g in groups if g.targets]


class Server:
    """gunicorn on loopback with production settings; stopped (whole process group) by stop()."""

    def __init__(self, workdir: Path, port: int, workers: int, database_url: str, redis_url: str):
        self.port = port
        self.log = workdir / "gunicorn.log"
        settings_module = workdir / "load_settings.py"
        # Hashed static names as in production, collected for this run only; without WhiteNoise's
        # compression, which takes minutes and changes no page (the mix asks for no static file).
        settings_module.write_text(
            "from portal.settings import *  # noqa: F403\n"
            f"STATIC_ROOT = {str(workdir / 'static')!r}\n"
            "STORAGES = {**STORAGES, 'staticfiles': {'BACKEND': "
            "'django.contrib.staticfiles.storage.ManifestStaticFilesStorage'}}\n")
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("DEMO", "DEBUG", "TESTING", "REDIS_URL", "DATABASE_URL_FILE", "REDIS_URL_FILE",
                                 "SECRET_KEY_FILE")}
        self.env.update({
            "DJANGO_SETTINGS_MODULE": "load_settings", "PYTHONPATH": f"{workdir}{os.pathsep}{ROOT}",
            "DATABASE_URL": database_url, "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0", "MEDIA_ROOT": str(workdir / "media"),
            "LOG_LEVEL": "WARNING",
        })
        if redis_url:
            self.env["REDIS_URL"] = redis_url
        self.workers = workers
        self.process: subprocess.Popen | None = None
        self._log_file = None

    def start(self) -> None:
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=self.env,
                       check=True)
        self._log_file = self.log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(self.workers), "--timeout", "30", "--graceful-timeout", "5"],
            cwd=ROOT, env=self.env, stdout=self._log_file, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if request("127.0.0.1", self.port, "GET", "/helse/", timeout=5)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"gunicorn startet ikke; logg:\n{self.tail()}")

    def cpu_seconds(self) -> float | None:
        """User and system CPU time of gunicorn and its workers so far (Linux /proc; None elsewhere)."""
        if self.process is None:
            return None
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        try:
            pids = [self.process.pid] + [int(pid) for pid in Path(f"/proc/{self.process.pid}/task/{self.process.pid}"
                                                                  "/children").read_text().split()]
            for pid in pids:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])   # utime, stime
        except (OSError, ValueError, IndexError):
            return None
        return total / tick

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:]) if self.log.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self._log_file is not None:
            self._log_file.close()


def clear_redis_cache(url: str) -> None:
    """Delete Django's cache keys (":1:..."), never a broker queue that may share the database."""
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=":1:*", count=1000))
    for i in range(0, len(keys), 500):
        client.delete(*keys[i:i + 500])


def warm_up(host: str, port: int, groups: list[Group]) -> Results:
    """Every address once, one after the other: the cold figures."""
    results = Results()
    started = time.monotonic()
    for g in groups:
        for target in dict.fromkeys(g.targets):
            began = time.perf_counter()
            try:
                outcome = request(host, port, "GET", target.path, cookie=target.cookie)[0]
            except (OSError, http.client.HTTPException) as exc:
                outcome = type(exc).__name__
            kind = outcome_kind(target, outcome)
            results.rows.append((g.name, outcome, (time.perf_counter() - began) * 1000, kind))
            if kind:
                results.examples.setdefault((g.name, kind), f"{target.path}: {outcome}")
    results.elapsed = time.monotonic() - started
    return results


def measured(server: Server, phase) -> Results:
    """Run a phase and note the server's CPU time and the machine's load meanwhile."""
    before = server.cpu_seconds()
    results = phase()
    after = server.cpu_seconds()
    results.server_cpu = after - before if before is not None and after is not None and after >= before else None
    results.load_average = os.getloadavg()[0]
    return results


def _interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt


def _spaced(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn-arbeidere (Dockerfile: 3)")
    parser.add_argument("--floor-seconds", type=float, default=10.0, help="/helse/ alene først (0 = hopp over)")
    parser.add_argument("--grace", type=float, default=30.0, help="hard stopp etter --seconds + dette")
    parser.add_argument("--scale", type=float, default=None,
                        help="nasjonalt datasett (1.0 på PostgreSQL, 0.1 på midlertidig SQLite; 0 = bare demodata)")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="portal-load-"))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'db.sqlite3'}"
    redis_url = os.environ.get("REDIS_URL", "")
    scale = args.scale if args.scale is not None else (1.0 if database_url.startswith("postgres") else 0.1)
    # This process only prepares data. Demo users need DEMO; TESTING would hash their passwords with
    # MD5, which the production server does not accept; without REDIS_URL no task waits for a worker.
    for name in ("TESTING", "REDIS_URL", "REDIS_URL_FILE", "DATABASE_URL_FILE"):
        os.environ.pop(name, None)
    os.environ.update({"DEMO": "1", "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "portal.settings"})
    sys.path.insert(0, str(ROOT))
    server = None
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        ensure_database(database_url)
        import django

        django.setup()
        from django.db import connection

        from collaborations.portfolio.models import Measure, StatusUpdate
        from collaborations.registry.models import Collaboration

        prepare_data(scale)
        collaborations, politicians, administrators = visitors(scale)
        if redis_url:
            clear_redis_cache(redis_url)
        print(f"Database: {connection.vendor}, {_spaced(Measure.objects.count())} tiltak, "
              f"{_spaced(StatusUpdate.objects.count())} statusoppdateringer, "
              f"{_spaced(Collaboration.objects.count())} samarbeid; "
              f"buffer: {'Redis (tømt)' if redis_url else 'lokalt minne i hver arbeider'}")
        connection.close()

        server = Server(workdir, free_port(), args.workers, database_url, redis_url)
        host, port = "127.0.0.1", server.port
        server.start()
        print(f"Tjener: gunicorn, {args.workers} arbeidere (sync), {host}:{port}; maskinen har "
              f"{os.cpu_count()} CPU-er", flush=True)
        for v in politicians + administrators:
            v.cookie = log_in(host, port, v.username)
        print(f"Innlogget gjennom skjemaet: {', '.join(v.username for v in politicians + administrators)}")
        groups = build_mix(collaborations, politicians, administrators)
        connection.close()

        cold = warm_up(host, port, groups)
        cold_summary = summarise(cold)
        slowest = max(cold.rows, key=lambda r: r[2])
        print(f"Oppvarming (kald buffer): {cold_summary.count} adresser én gang hver på {cold.elapsed:.1f} s, "
              f"p50 {cold_summary.p50:.1f} ms, p95 {cold_summary.p95:.1f} ms, tregeste {slowest[2]:.0f} ms "
              f"({slowest[0]}), {cold_summary.errors} feil", flush=True)
        for (group, kind), example in sorted(cold.examples.items()):
            print(f"  {kind} i «{group}» under oppvarmingen, f.eks. {example}")
        floor = None
        if args.floor_seconds > 0:
            floor = measured(server, lambda: run_load(host, port, [Group("gulv", 1, [Target("/helse/")])],
                                                      clients=args.clients, seconds=args.floor_seconds,
                                                      grace=args.grace))
        print(f"Kjører blandingen i {args.seconds:g} s ...", flush=True)
        results = measured(server, lambda: run_load(host, port, groups, clients=args.clients,
                                                    seconds=args.seconds, grace=args.grace))
        print()
        met = report(results, groups, clients=args.clients, seconds=args.seconds, floor=floor,
                     earlier_errors=cold_summary.errors)
        if not met:
            print(f"\nSiste linjer fra gunicorn:\n{server.tail()}")
        return 0 if met else 1
    except KeyboardInterrupt:
        print("\nAvbrutt.", flush=True)
        return 130
    finally:
        if server is not None:
            server.stop()
            print("gunicorn er stoppet.", flush=True)
        signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
