"""benchmarks/load.py: its counting (against a tiny HTTP server started here) and one short real run
(gunicorn on a temporary SQLite, 2 clients for 3 s). Figures are printed, never asserted."""

from __future__ import annotations

import importlib.util
import os
import re
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "load.py"


def _load_module():
    spec = importlib.util.spec_from_file_location("benchmarks_load", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module   # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


load = _load_module()


class _Handler(BaseHTTPRequestHandler):
    release = threading.Event()

    def do_GET(self):   # noqa: N802 (the http.server name)
        if self.path == "/slow":
            self.release.wait(60)
        status = {"/ok": 200, "/boom": 500, "/gone": 404, "/moved": 302}.get(self.path, 200)
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    _Handler.release.set()
    httpd.shutdown()
    httpd.server_close()
    _Handler.release.clear()


def _run(port, *groups, **kwargs):
    kwargs.setdefault("clients", 2)
    kwargs.setdefault("seconds", 60)
    kwargs.setdefault("max_requests", 5)
    return load.run_load("127.0.0.1", port, list(groups), **kwargs)


def _report(results, groups, **kwargs):
    lines = []
    met = load.report(results, groups, clients=2, seconds=3, out=lines.append, **kwargs)
    return met, lines


def test_a_500_is_a_server_error_and_the_verdict_is_not_met(server):
    groups = [load.Group("fint", 3, [load.Target("/ok")]), load.Group("knekt", 1, [load.Target("/boom")])]
    results = _run(server, *groups, max_requests=40)
    fine, broken = load.summarise(results, "fint"), load.summarise(results, "knekt")
    assert fine.count + broken.count == 80
    assert fine.errors == 0
    assert broken.count > 0 and broken.server_errors == broken.count
    met, lines = _report(results, groups)
    assert not met
    assert lines[-1] == "Mål: 0 feil med 2 klienter i 3 s: NOT MET"
    assert f"Feil: {broken.count} serverfeil (5xx), 0 tilkoblingsfeil, 0 uventede svar (3xx/4xx)" in lines
    assert "  5xx i «knekt», f.eks. /boom: 500" in lines
    row = next(line for line in lines if line.startswith("knekt"))
    assert row.split()[-3:] == [str(broken.count), "0", "0"]


def test_unexpected_statuses_are_counted_apart_and_an_expected_redirect_is_fine(server):
    groups = [load.Group("borte", 1, [load.Target("/gone")]),
              load.Group("videre", 1, [load.Target("/moved", expect=frozenset({200, 302}))])]
    results = _run(server, groups[0])
    gone = load.summarise(results, "borte")
    assert (gone.count, gone.unexpected, gone.server_errors, gone.connection_errors) == (10, 10, 0, 0)
    results = _run(server, groups[1])
    assert load.summarise(results, "videre").errors == 0
    assert load.summarise(results).count == 10


def test_connection_errors_are_counted_when_nothing_listens():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]   # closed again before the run: nothing listens there
    groups = [load.Group("ingen", 1, [load.Target("/ok")])]
    results = _run(port, *groups)
    summary = load.summarise(results)
    assert (summary.count, summary.connection_errors, summary.server_errors) == (10, 10, 0)
    met, lines = _report(results, groups)
    assert not met and lines[-1].endswith("NOT MET")


def test_requests_still_running_at_the_hard_stop_are_errors_and_nothing_later_is_counted(server):
    groups = [load.Group("treg", 1, [load.Target("/slow")])]
    results = _run(server, *groups, seconds=0.1, grace=0.5, timeout=60, max_requests=None)
    summary = load.summarise(results)
    assert results.unfinished == ["treg", "treg"]
    assert (summary.count, summary.connection_errors) == (0, 2)


def test_no_errors_is_met(server):
    groups = [load.Group("fint", 1, [load.Target("/ok")])]
    floor = _run(server, load.Group("gulv", 1, [load.Target("/ok")]))
    met, lines = _report(_run(server, *groups), groups, floor=floor)
    assert met
    assert lines[0].startswith("Gulv: /helse/ alene, 2 klienter")
    assert lines[-1] == "Mål: 0 feil med 2 klienter i 3 s: MET"


def test_percentiles_are_nearest_rank():
    values = list(range(1, 101))
    assert [load.percentile(values, p) for p in (50, 95, 99)] == [50, 95, 99]
    assert load.percentile([7.0], 99) == 7.0
    assert load.percentile([], 50) == 0.0


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")),
                    reason="the real run always uses a temporary SQLite database: it runs once, in the run without DATABASE_URL")
def test_a_short_real_run_on_sqlite_reports_every_group_and_stops_gunicorn():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    result = subprocess.run([sys.executable, str(SCRIPT), "--seconds", "3", "--clients", "2", "--scale", "0",
                             "--floor-seconds", "1"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=900)
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert re.search(r"^Database: sqlite, \d+ tiltak", out, re.M), out
    assert re.search(r"^Innlogget gjennom skjemaet: ordforer-kafjord, admin-nordreisa$", out, re.M), out
    assert re.search(r"^Oppvarming \(kald buffer\): \d+ adresser .*, 0 feil$", out, re.M), out
    assert re.search(r"^Gulv: /helse/ alene, 2 klienter i \d+ s: [\d.]+ forespørsler/s, p50 [\d.]+ ms", out, re.M)
    for group in ("Forside (anonym)", "Dashbord (anonym)", "Dashbord (folkevalgt)", "Tiltaksside (anonym)",
                  "Tiltaksside (kommuneadmin)", "Mine tiltak (kommuneadmin)", "API: lister (innlogget)",
                  "API: tiltak (innlogget)", "Totalt"):
        assert re.search(rf"^{re.escape(group)} +\d+ +[\d.]+% +[\d.]+ +[\d.]+ +[\d.]+ +[\d.-]+ +0 +0 +0$", out,
                         re.M), (group, out)
    assert re.search(r"^Forespørsler/s: [\d.]+ \([\d.]+ × gulvets [\d.]+/s\); \d+ forespørsler", out, re.M), out
    assert "Feil: 0 serverfeil (5xx), 0 tilkoblingsfeil, 0 uventede svar (3xx/4xx)" in out
    assert out.rstrip().splitlines()[-2:] == ["Mål: 0 feil med 2 klienter i 3 s: MET", "gunicorn er stoppet."]
    port = int(re.search(r"^Tjener: gunicorn, \d+ arbeidere \(sync\), 127\.0\.0\.1:(\d+)", out, re.M).group(1))
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), timeout=5):
        pass
