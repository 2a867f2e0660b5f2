"""The import pages: upload, preview, confirm, template; secretariat only."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from collaborations.access.models import Role
from collaborations.access.roles import role_grant
from collaborations.imports.parsing import parse
from collaborations.portfolio.models import Measure, Participation
from collaborations.registry.models import Membership, Person
from collaborations.registry.services import membership_end
from tests.factories import client_for, make_user

GOOD_CSV = ("\ufeffStrategi;Tittel;Ansvarlig;Deltakere;Trafikklys;Begrunnelse;Frist;Budsjett\r\n"
            "1;Felles IKT;Ola Ny;alle unntatt Lyngen;I rute;;;\r\n"
            "1;Felles innkjøp;Ola Ny;Kåfjord, Lyngen;Risiko;Anbud forsinket;31.12.2025;100 000,-\r\n")
BAD_CSV = ("Strategi;Tittel;Deltakere;Trafikklys;Begrunnelse;Frist\r\n"
           "1;Første;alle;Risiko;;\r\n"
           "7;Andre;alle;;;\r\n"
           "1;Tredje;Loppa;;;\r\n")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path



def csv_upload(text: str = GOOD_CSV, name: str = "tiltak.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), "text/csv")


def upload(client: Client, file) -> str:
    """Upload `file`; return the preview's URL."""
    response = client.post(reverse("import_upload", args=["nord-troms"]), {"file": file})
    assert response.status_code == 302, response.content.decode()
    return response.url


def confirm_url(preview_url: str) -> str:
    return preview_url + "bekreft/"


def counts():
    return (Measure.objects.count(), Measure.history.count(), Participation.objects.count(),
            Participation.history.count(), Person.objects.count())


def test_it_shows_the_upload_page_with_the_template_link(world):
    response = client_for(world.secretariat).get(reverse("import_upload", args=["nord-troms"]))
    assert response.status_code == 200
    assert reverse("import_template", args=["nord-troms"]).encode() in response.content
    assert "Importer tiltak fra regneark" in response.content.decode()


def test_it_previews_then_imports_a_good_csv(world):
    client = client_for(world.secretariat)
    before = counts()
    preview_url = upload(client, csv_upload())
    preview = client.get(preview_url)
    body = preview.content.decode()
    assert "2 tiltak blir opprettet. Ingenting er lagret ennå." in body
    assert "Denne personen finnes ikke og blir opprettet: Ola Ny." in body
    assert "Felles innkjøp" in body and "ny person" in body
    assert counts() == before  # the preview saves nothing

    response = client.post(confirm_url(preview_url))
    assert response.status_code == 302 and response.url == reverse("collaboration_measures", args=["nord-troms"])
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["2 tiltak importert."]
    ikt = Measure.objects.get(title="Felles IKT")
    innkjop = Measure.objects.get(title="Felles innkjøp")
    assert list(ikt.participants.all()) == [world.kafjord]
    assert list(innkjop.participants.order_by("name")) == [world.kafjord, world.lyngen]
    assert innkjop.follow_up_due == dt.date(2025, 12, 31) and innkjop.responsible.name == "Ola Ny"
    record = innkjop.history.get()
    assert (record.history_change_reason, record.history_user) == ("Importert fra tiltak.csv", world.secretariat)
    # the waiting file is gone, and confirming twice creates nothing more
    assert client.post(confirm_url(preview_url)).status_code == 404
    assert Measure.objects.filter(title__startswith="Felles").count() == 2


def test_it_imports_a_good_xlsx(world):
    book = Workbook()
    for row in [["Tittel", "Deltakere", "Frist", "Potensial", "Gjennomførbarhet", "Synlighet"],
                ["Klima- og miljøplan", "alle", dt.datetime(2026, 3, 1), 7, 5, "intern"],
                ["Brannsamarbeid", "5424", None, 3, 9, "Publisert"]]:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    client = client_for(world.secretariat)
    preview_url = upload(client, SimpleUploadedFile("plan.xlsx", data.getvalue()))
    assert "2 tiltak blir opprettet" in client.get(preview_url).content.decode()
    assert client.post(confirm_url(preview_url)).status_code == 302
    klima = Measure.objects.get(title="Klima- og miljøplan")
    assert list(klima.participants.order_by("name")) == [world.kafjord, world.lyngen]
    assert (klima.follow_up_due, klima.priority, klima.visibility) == (dt.date(2026, 3, 1), 35, "internal")
    assert list(Measure.objects.get(title="Brannsamarbeid").participants.all()) == [world.lyngen]
    assert klima.history.get().history_change_reason == "Importert fra plan.xlsx"


def _error_rows(body: str) -> list[tuple[str, str, str]]:
    table = body.split('class="table import-errors"', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r"<tr><td class=\"num\">(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", table)
    return [tuple(c.replace("&laquo;", "«").replace("&raquo;", "»") for c in row) for row in cells]


def test_it_lists_every_error_and_saves_nothing(world):
    client = client_for(world.secretariat)
    before = counts()
    preview_url = upload(client, csv_upload(BAD_CSV))
    body = client.get(preview_url).content.decode()
    assert "Filen har 3 feil." in body and "Ingenting er lagret." in body
    assert _error_rows(body) == [
        ("2", "Begrunnelse", "Trafikklyset «Risiko» eller «Ikke i rute» må ha en begrunnelse."),
        ("3", "Strategi", "Strategi 7 finnes ikke i gjeldende plan (Strategi- og handlingsplan 2019–2023)."),
        ("4", "Deltakere", "«Loppa» er ikke et nåværende medlem av Nord-Troms."),
    ]
    assert 'action="' + confirm_url(preview_url) not in body  # no confirm button
    # a hand-made POST is checked again and refused all the same
    response = client.post(confirm_url(preview_url))
    assert response.status_code == 200 and "Filen har 3 feil." in response.content.decode()
    assert counts() == before


def test_it_checks_again_on_confirm(world):
    client = client_for(world.secretariat)
    before = counts()
    preview_url = upload(client, csv_upload("Tittel;Deltakere\r\nFelles IKT;Kåfjord\r\nFelles lønn;Lyngen\r\n"))
    assert "2 tiltak blir opprettet" in client.get(preview_url).content.decode()
    membership = Membership.objects.get(collaboration=world.collaboration, municipality=world.lyngen)
    membership_end(acting_user=world.secretariat, membership=membership,
                   left_on=dt.date.today() - dt.timedelta(days=1), reason="Uttreden")
    response = client.post(confirm_url(preview_url))
    assert response.status_code == 200
    assert _error_rows(response.content.decode()) == [("3", "Deltakere",
                                                       "«Lyngen» er ikke et nåværende medlem av Nord-Troms.")]
    assert counts() == before


def test_it_imports_alle_unntatt_lyngen(world):
    client = client_for(world.secretariat)
    preview_url = upload(client, csv_upload("Tittel;Deltakere\r\nIT-samarbeid;alle unntatt Lyngen\r\n"))
    client.post(confirm_url(preview_url))
    measure = Measure.objects.get(title="IT-samarbeid")
    assert list(measure.participants.all()) == [world.kafjord]
    assert measure.participants_note == "alle unntatt Lyngen"


@pytest.mark.parametrize("file, message", [
    (SimpleUploadedFile("plan.docx", b"PK"), "Filen må være et regneark av typen .csv eller .xlsx."),
    (SimpleUploadedFile("plan.csv", b"x" * (2 * 1024 * 1024 + 1)),
     "Filen er for stor (2,0\xa0MB). Største tillatte størrelse er 2,0\xa0MB."),
])
def test_it_refuses_the_wrong_type_or_size_on_upload(world, file, message):
    response = client_for(world.secretariat).post(reverse("import_upload", args=["nord-troms"]), {"file": file})
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": [message]}


def test_it_shows_an_unreadable_file_as_an_error_without_a_row(world):
    client = client_for(world.secretariat)
    preview_url = upload(client, SimpleUploadedFile("plan.xlsx", b"not a workbook"))
    body = client.get(preview_url).content.decode()
    assert _error_rows(body) == [("—", "—", "Filen kunne ikke leses som et Excel-ark (.xlsx).")]


def test_it_serves_a_template_with_headers_and_an_example(world):
    response = client_for(world.secretariat).get(reverse("import_template", args=["nord-troms"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="tiltak-mal.csv"'
    lines = response.content.decode("utf-8").split("\r\n")
    assert lines[0] == ("\ufeffStrategi;Tittel;Beskrivelse;Ansvarlig;Deltakere;Eksterne partnere;Organisering;"
                        "Fase;Trafikklys;Begrunnelse;Status;Oppfølging;Frist;Budsjett;Budsjett gjelder;Budsjettår;"
                        "Potensial;Gjennomførbarhet;Synlighet")
    assert lines[1].startswith("1;Felles innkjøpsordning (eksempel);") and ";alle unntatt Lyngen;" in lines[1]


def test_it_links_to_the_import_for_the_secretariat_only(world):
    url = reverse("import_upload", args=["nord-troms"]).encode()
    page = reverse("collaboration_detail", args=["nord-troms"])
    assert url in client_for(world.secretariat).get(page).content
    for user in (None, world.politician_kafjord, world.admin_kafjord):
        assert url not in client_for(user).get(page).content


# ---------------------------------------------------------------- refusals

def _other_secretariat(world):
    user = make_user("sekretariat_vv")
    role_grant(acting_user=None, reason="Testdata", user=user, role=Role.SECRETARIAT, collaboration=world.other_collaboration)
    return user


@pytest.mark.parametrize("who", ["politician_kafjord", "admin_kafjord", "other_secretariat"])
def test_it_refuses_everyone_but_the_secretariat(world, who):
    user = _other_secretariat(world) if who == "other_secretariat" else getattr(world, who)
    preview_url = upload(client_for(world.secretariat), csv_upload())
    client = client_for(user)
    before = counts()
    for method, url in [("get", reverse("import_upload", args=["nord-troms"])),
                        ("post", reverse("import_upload", args=["nord-troms"])),
                        ("get", reverse("import_template", args=["nord-troms"])),
                        ("get", preview_url), ("post", confirm_url(preview_url))]:
        response = getattr(client, method)(url)
        assert response.status_code == 403, (method, url)
        assert "Bare sekretariatet for samarbeidet kan importere tiltak." in response.content.decode()
    assert counts() == before


def test_it_sends_anonymous_visitors_to_the_login(world):
    preview_url = upload(client_for(world.secretariat), csv_upload())
    for method, url in [("get", reverse("import_upload", args=["nord-troms"])), ("post", confirm_url(preview_url))]:
        response = getattr(Client(), method)(url)
        assert response.status_code == 302 and "login" in response.url
    assert not Measure.objects.filter(title="Felles IKT").exists()


def test_it_keeps_an_upload_to_the_session_and_collaboration_it_was_made_in(world):
    preview_url = upload(client_for(world.secretariat), csv_upload())
    another_session = client_for(world.secretariat)
    assert another_session.get(preview_url).status_code == 404
    assert another_session.post(confirm_url(preview_url)).status_code == 404
    token = preview_url.rstrip("/").rsplit("/", 1)[-1]
    superuser = client_for(world.superuser)
    elsewhere = upload(superuser, csv_upload()).replace("nord-troms", "vestre-varanger")
    assert superuser.get(elsewhere).status_code == 404
    assert token and not Measure.objects.filter(title="Felles IKT").exists()


# ---------------------------------------------------------------- read once, what was assumed

def test_it_reads_the_file_once_and_confirms_what_the_preview_showed(world, monkeypatch, tmp_path):
    """The upload reads the file; the previews and the confirmation use what
    was read (kept as JSON beside nothing: the upload itself is not kept)."""
    from collaborations.imports import views

    calls = []

    def recording_parse(file):
        calls.append(file.name)
        return parse(file)

    monkeypatch.setattr(views, "parse", recording_parse)
    client = client_for(world.secretariat)
    preview_url = upload(client, csv_upload())
    assert calls == ["tiltak.csv"]
    token = preview_url.rstrip("/").rsplit("/", 1)[-1]
    assert [p.name for p in (tmp_path / "imports").iterdir()] == [f"{token}.json"]
    for _ in range(2):
        assert "2 tiltak blir opprettet" in client.get(preview_url).content.decode()
    assert client.post(confirm_url(preview_url)).status_code == 302
    assert calls == ["tiltak.csv"]
    assert Measure.objects.filter(title__in=["Felles IKT", "Felles innkjøp"]).count() == 2
    assert list((tmp_path / "imports").iterdir()) == []


def test_the_preview_says_a_csv_was_read_as_windows_1252(world):
    client = client_for(world.secretariat)
    notice = "Filen ble lest som Windows-1252 (ikke UTF-8). Sjekk at æ, ø og å ser riktige ut under før du importerer."
    preview_url = upload(client, SimpleUploadedFile("tiltak.csv", "Tittel\r\nFelles innkjøp\r\n".encode("cp1252")))
    body = client.get(preview_url).content.decode()
    assert notice in body and "Felles innkjøp" in body
    assert client.post(confirm_url(preview_url)).status_code == 302
    assert Measure.objects.filter(title="Felles innkjøp").exists()
    assert notice not in client.get(upload(client, csv_upload())).content.decode()


def test_a_formula_without_a_saved_value_is_shown_on_its_cell_and_imports_nothing(world):
    from tests.common.workbooks import formula, inline, row, xlsx

    data = xlsx([row(1, inline("A1", "Tittel"), inline("B1", "Budsjett")),
                 row(2, inline("A2", "Felles IKT"), formula("B2", "1000*2", 2000)),
                 row(3, formula("A3", 'CONCAT("a","b")', kind="str"), inline("B3", "5"))])
    client = client_for(world.secretariat)
    before = counts()
    preview_url = upload(client, SimpleUploadedFile("plan.xlsx", data))
    body = client.get(preview_url).content.decode()
    assert _error_rows(body) == [("3", "Tittel", "Cellen inneholder en formel uten lagret verdi. Lim inn verdien i "
                                                 "stedet for formelen.")]
    response = client.post(confirm_url(preview_url))
    assert response.status_code == 200 and "Filen har 1 feil." in response.content.decode()
    assert counts() == before
