"""Server time of the dashboards on the national dataset, on PostgreSQL.

    .venv/bin/python benchmarks/dashboards.py [--runs 30] [--warmup 5] [--scale 1.0]

Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/portal_bench),
creating the database, migrating it and generating the national dataset
(manage.py generate_national_dataset) when they are missing. Every request
goes through Django's test Client, so the whole middleware stack runs
(sessions, auth, CSRF, locale, history, HTMX...).

Prints the median time of each dashboard page for an anonymous visitor and
for a politician; the floor (the trivial /helse/ view through the same
middleware, as the same visitor); and the peer (the Django admin changelist
of measures, as a superuser). Goals: page ≤ 3 × floor and page ≤
0.5 × admin changelist.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")
os.environ.setdefault("TESTING", "1")   # plain static files storage, development secret key
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DASHBOARD_CACHE_SECONDS", "300")   # TESTING turns it off; the benchmark wants production


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database if it does not exist."""
    if not url.startswith("postgres"):
        return
    from urllib.parse import urlparse

    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"Opprettet databasen {name}.")


def median_ms(client, url: str, runs: int, warmup: int) -> float:
    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--no-cache", action="store_true", help="Clear the cache before every request.")
    args = parser.parse_args()

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from collaborations.portfolio.models import Measure, StatusUpdate
    from collaborations.registry.models import Collaboration, Membership

    call_command("migrate", verbosity=0)
    if not Collaboration.objects.filter(slug__startswith="nasjonal-").exists():
        print(f"Genererer nasjonalt datasett (--scale {args.scale}) ...", flush=True)
        started = time.monotonic()
        call_command("generate_national_dataset", scale=args.scale)
        print(f"  {time.monotonic() - started:.0f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")   # fresh statistics after the bulk load

    # A typical regional council: the one with the median number of measures.
    regions = list(Collaboration.objects.filter(slug__startswith="nasjonal-region-")
                   .annotate(n=Count("measures")).order_by("n", "pk"))
    collaboration = regions[len(regions) // 2]
    member = Membership.objects.filter(collaboration=collaboration).select_related("municipality") \
        .order_by("municipality__name").first().municipality
    slug = collaboration.slug
    User = get_user_model()
    politician = User.objects.get(username=f"nasjonal-politiker-{member.pk}")
    root, _created = User.objects.get_or_create(username="nasjonal-root",
                                                defaults={"is_superuser": True, "is_staff": True})

    pages = [
        ("Oversikt", reverse("dashboard_overview", args=[slug])),
        ("Strategi 1", reverse("dashboard_strategy", args=[slug, 1])),
        (f"Kommune {member.name}", reverse("dashboard_municipality", args=[slug, member.number])),
        ("Vertskommuner", reverse("dashboard_host_balance", args=[slug])),
        ("Prioritering", reverse("dashboard_priority", args=[slug])),
        ("Kostnader", reverse("dashboard_costs", args=[slug])),
        ("Tiltaksliste", reverse("collaboration_measures", args=[slug])),
        ("Tiltaksliste, avvik", reverse("collaboration_measures", args=[slug]) + "?exception=any"),
    ]
    anonymous = Client()
    politician_client = Client()
    politician_client.force_login(politician)
    admin_client = Client()
    admin_client.force_login(root)

    if args.no_cache:
        settings.DASHBOARD_CACHE_SECONDS = 0
    cache.clear()
    print()
    print(f"Database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, "
          f"{Measure.objects.count():,} tiltak, {StatusUpdate.objects.count():,} statusoppdateringer, "
          f"{Collaboration.objects.count()} samarbeid".replace(",", " "))
    print(f"Samarbeid: {collaboration.name} ({collaboration.measures.count()} tiltak), kommune {member.name}")
    print(f"Median av {args.runs} kjøringer etter {args.warmup} oppvarminger; "
          f"buffer: {'av' if args.no_cache else f'{settings.DASHBOARD_CACHE_SECONDS} s'}")
    floor_anon = median_ms(anonymous, reverse("health"), args.runs, args.warmup)
    floor_pol = median_ms(politician_client, reverse("health"), args.runs, args.warmup)
    admin_url = "/admin/collaborations/measure/"
    admin = median_ms(admin_client, admin_url, max(5, args.runs // 3), 2)
    print(f"Gulv /helse/: anonym {floor_anon:.2f} ms, folkevalgt {floor_pol:.2f} ms")
    print(f"Admin-listen over tiltak (superbruker): {admin:.2f} ms")
    print()
    header = f"{'Side':28} {'anonym ms':>10} {'÷gulv':>7} {'÷admin':>7} {'folkevalgt ms':>14} {'÷gulv':>7} {'÷admin':>7}"
    print(header)
    print("-" * len(header))
    worst = (0.0, 0.0)
    for name, url in pages:
        a = median_ms(anonymous, url, args.runs, args.warmup)
        p = median_ms(politician_client, url, args.runs, args.warmup)
        worst = (max(worst[0], a / floor_anon, p / floor_pol), max(worst[1], a / admin, p / admin))
        print(f"{name[:28]:28} {a:10.2f} {a / floor_anon:7.2f} {a / admin:7.2f} {p:14.2f} {p / floor_pol:7.2f} "
              f"{p / admin:7.2f}")
    print()
    print(f"Verste forhold: {worst[0]:.2f} × gulvet (mål ≤ 3), {worst[1]:.2f} × admin-listen (mål ≤ 0,5)")


if __name__ == "__main__":
    main()
