"""manage.py generate_reports --collaboration nord-troms --type council --year 2024 --all-members --wait"""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from collaborations.common.errors import DomainError
from collaborations.registry.models import Collaboration, Municipality
from reporting import services
from reporting.models import ReportJob, ReportType

TYPES = {"council": ReportType.COUNCIL, "regional": ReportType.REGIONAL, "halfyear": ReportType.HALFYEAR}


class Command(BaseCommand):
    help = "Lag rapporter for et samarbeid (som sekretariatets knapp i /rapporter/)."

    def add_arguments(self, parser):
        parser.add_argument("--collaboration", required=True, help="samarbeidets adresse (slug), f.eks. nord-troms")
        parser.add_argument("--type", required=True, choices=sorted(TYPES), dest="report_type")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--cutoff", type=dt.date.fromisoformat, help="skjæringsdato, ÅÅÅÅ-MM-DD")
        who = parser.add_mutually_exclusive_group()
        who.add_argument("--municipality", help="kommunenummer til mottakeren")
        who.add_argument("--all-members", action="store_true", help="én rapport til hvert medlems kommunestyre")
        parser.add_argument("--internal", action="store_true", help="intern rapport (tar med interne tiltak)")
        parser.add_argument("--wait", action="store_true", help="vent til alle rapportene er ferdige")
        parser.add_argument("--timeout", type=int, default=3600, help="sekunder å vente med --wait")

    def handle(self, *args, **o):
        collaboration = Collaboration.objects.filter(slug=o["collaboration"]).first()
        if collaboration is None:
            raise CommandError(f"Fant ikke samarbeidet «{o['collaboration']}».")
        municipality = None
        if o["municipality"]:
            municipality = Municipality.objects.filter(number=o["municipality"], memberships__collaboration=collaboration) \
                .order_by("-valid_from").first()
            if municipality is None:
                raise CommandError(f"Kommune {o['municipality']} er ikke medlem av {collaboration}.")
        try:
            batch = services.report_request(
                acting_user=None, collaboration=collaboration, report_type=TYPES[o["report_type"]], year=o["year"],
                cutoff=o["cutoff"], municipality=municipality, all_members=o["all_members"],
                include_internal=o["internal"])
        except DomainError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        ids = list(batch.jobs.order_by("pk").values_list("pk", flat=True))
        self.stdout.write(f"Bestilt {len(ids)} {'rapport' if len(ids) == 1 else 'rapporter'}: {', '.join(map(str, ids))}")
        if o["wait"]:
            self._wait(ids, o["timeout"])

    def _wait(self, ids, timeout):
        deadline = time.monotonic() + timeout
        while True:
            jobs = list(ReportJob.objects.filter(pk__in=ids).select_related("municipality").order_by("pk"))
            if all(j.is_finished for j in jobs):
                break
            if time.monotonic() > deadline:
                raise CommandError("Tidsavbrudd: ikke alle rapportene ble ferdige.")
            time.sleep(0.5)
        failed = False
        for j in jobs:
            if j.status == ReportJob.Status.DONE:
                self.stdout.write(f"{j.pk}: {j.title}: {j.page_count} sider, {j.size} byte, sha256 {j.sha256}, {j.file.name}")
            else:
                failed = True
                self.stdout.write(f"{j.pk}: {j.title}: FEILET: {j.error}")
        if failed:
            raise CommandError("Noen rapporter feilet.")
