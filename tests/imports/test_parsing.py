"""Reading and checking a spreadsheet of measures (collaborations.imports)
and writing it all or nothing (services.imports.measure_import)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from collaborations.imports.parsing import ImportRejected, RowError, parse
from collaborations.imports.services import measure_import
from collaborations.imports.validation import template_rows, validate
from collaborations.portfolio.models import Measure, Participation
from collaborations.registry.models import OutsidePartner, Person

HEADER = "Strategi;Tittel;Ansvarlig;Deltakere;Fase;Trafikklys;Begrunnelse;Frist;Budsjett"


def csv_file(text: str, name: str = "tiltak.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), "text/csv")


def xlsx_file(rows: list[list], name: str = "tiltak.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


# ---------------------------------------------------------------- parse

def test_it_reads_a_semicolon_csv_with_bom_from_norwegian_excel():
    rows = parse(csv_file("\ufeff" + HEADER + "\r\n1;Felles IKT;Kari Nordmann;alle;I drift;I rute;;31.12.2025;"
                          "1 234 567,50\r\n"))
    assert [r.number for r in rows] == [2]
    assert rows[0].values["title"] == "Felles IKT"
    assert rows[0].values["strategy"] == "1"
    assert rows[0].values["budget"] == "1 234 567,50"


def test_it_reads_a_comma_csv_without_bom_with_headers_in_any_case_and_order():
    rows = parse(csv_file('TITTEL,deltakere\n"Brann, Nord-Troms",Kåfjord\n'))
    assert rows[0].values == {"title": "Brann, Nord-Troms", "participants": "Kåfjord"}


def test_it_reads_a_csv_saved_as_windows_1252():
    rows = parse(csv_file("Tittel;Deltakere\r\nFelles innkjøp;Kåfjord\r\n", encoding="cp1252"))
    assert rows[0].values["title"] == "Felles innkjøp"


def test_it_keeps_the_spreadsheet_row_numbers_across_empty_rows():
    rows = parse(csv_file("Tittel;Status\r\nA;x\r\n;\r\n\r\nB;\"to\r\n\r\nlinjer\"\r\nC;\r\n"))
    assert [(r.number, r.values["title"]) for r in rows] == [(2, "A"), (5, "B"), (6, "C")]
    assert rows[1].values["status_text"] == "to\r\n\r\nlinjer"


def test_it_reads_an_xlsx_with_numbers_and_dates_as_cells():
    rows = parse(xlsx_file([["Tittel", "Frist", "Potensial", "Budsjett"],
                            ["Klimaplan", dt.datetime(2025, 12, 31), 7, 100000.5],
                            [None, None, None, None],
                            ["Brann", None, 3.0, None]]))
    assert [r.number for r in rows] == [2, 4]
    assert rows[0].values == {"title": "Klimaplan", "follow_up_due": dt.date(2025, 12, 31), "potential": 7,
                              "budget": 100000.5}
    assert rows[1].values["potential"] == 3


def test_it_names_every_unknown_missing_or_repeated_column():
    with pytest.raises(ImportRejected) as caught:
        parse(csv_file("Strategi;Navn;Fase;fase;Farge\r\n1;A;I drift;I drift;blå\r\n"))
    valid = ("Gyldige kolonner er: Strategi, Tittel, Beskrivelse, Ansvarlig, Deltakere, Eksterne partnere, "
             "Organisering, Fase, Trafikklys, Begrunnelse, Status, Oppfølging, Frist, Budsjett, Budsjett gjelder, "
             "Budsjettår, Potensial, "
             "Gjennomførbarhet, Synlighet.")
    assert caught.value.errors == [
        RowError(1, "Navn", f"Ukjent kolonne. {valid}"),
        RowError(1, "Fase", "Kolonnen står mer enn én gang."),
        RowError(1, "Farge", f"Ukjent kolonne. {valid}"),
        RowError(1, "Tittel", "Kolonnen mangler. Hvert tiltak må ha en tittel."),
    ]


@pytest.mark.parametrize("file, message", [
    (SimpleUploadedFile("tiltak.pdf", b"%PDF"), "Filen må være et regneark av typen .csv eller .xlsx."),
    (SimpleUploadedFile("tiltak.csv", b""), "Filen er tom."),
    (SimpleUploadedFile("tiltak.csv", b"Tittel\r\n"), "Filen har ingen tiltak under overskriftsraden."),
    (SimpleUploadedFile("tiltak.xlsx", b"Tittel;Fase\r\n"), "Filen kunne ikke leses som et Excel-ark (.xlsx)."),
    (SimpleUploadedFile("tiltak.csv", b"x" * (2 * 1024 * 1024 + 1)),
     "Filen er for stor (2,0\xa0MB). Største tillatte størrelse er 2,0\xa0MB."),
])
def test_it_refuses_files_it_cannot_read(file, message):
    with pytest.raises(ImportRejected) as caught:
        parse(file)
    assert caught.value.errors == [RowError(None, "", message)]


# ---------------------------------------------------------------- validate

def test_it_turns_good_rows_into_drafts(world):
    Person.objects.create(name="Kari Nordmann")
    OutsidePartner.objects.create(name="UNN HF")
    rows = parse(csv_file(
        "Strategi;Tittel;Ansvarlig;Deltakere;Eksterne partnere;Organisering;Fase;Trafikklys;Begrunnelse;Frist;"
        "Budsjett;Potensial;Gjennomførbarhet;Synlighet\r\n"
        "1;Velferdsteknologi;kari nordmann;5426, Lyngen;unn hf;Prosjektgruppe;Under gjennomføring;amber;"
        "Leverandør forsinket;01.06.2025;100 000,-;8;6;intern\r\n"
        "Strategi 1;IT-samarbeid;Ola Ny;alle unntatt Lyngen;;Skjervøy er vertskommune;I drift;I rute;;;"
        "1 234 567,50;;;publisert\r\n"))
    drafts, errors = validate(rows, world.collaboration)
    assert errors == []
    first, second = drafts
    assert first.fields["strategy"] == world.strategy and first.responsible.name == "Kari Nordmann"
    assert first.participants == [world.kafjord, world.lyngen]
    assert [p.name for p in first.partners] == ["UNN HF"]
    assert (first.fields["organisation_kind"], first.fields["phase"], first.fields["traffic_light"]) == (
        "project_group", "in_progress", "amber")
    assert first.fields["follow_up_due"] == dt.date(2025, 6, 1) and first.fields["budget"] == Decimal("100000")
    assert (first.fields["potential"], first.fields["feasibility"], first.fields["visibility"]) == (8, 6, "internal")
    assert second.participants == [world.kafjord]
    assert second.fields["participants_note"] == "alle unntatt Lyngen"
    assert (second.responsible, second.new_responsible) == (None, "Ola Ny")
    assert second.fields["organisation"] == "Skjervøy er vertskommune"
    assert second.fields["budget"] == Decimal("1234567.50")


def test_it_reports_every_error_with_row_and_column(world):
    rows = parse(csv_file(HEADER + "\r\n"
                          "1;Første;;alle;;Risiko;;;\r\n"
                          "1;Andre;;alle;;;;31/12/2025;\r\n"
                          "1;Tredje;;Kåfjord, Loppa;;;;;\r\n"))
    drafts, errors = validate(rows, world.collaboration)
    assert errors == [
        RowError(2, "Begrunnelse", "Trafikklyset «Risiko» eller «Ikke i rute» må ha en begrunnelse."),
        RowError(3, "Frist", "Skriv datoen som dd.mm.åååå, for eksempel 31.12.2025."),
        RowError(4, "Deltakere", "«Loppa» er ikke et nåværende medlem av Nord-Troms."),
    ]
    assert drafts == []


def test_it_reports_several_errors_in_one_row_in_column_order(world):
    rows = parse(csv_file("Strategi;Tittel;Fase;Trafikklys;Budsjett;Potensial;Synlighet;Eksterne partnere\r\n"
                          "9;;Ferdig;blå;mange;11;hemmelig;UNN HF, Statsforvalteren\r\n"))
    _drafts, errors = validate(rows, world.collaboration)
    assert [(e.row, e.column, e.message) for e in errors] == [
        (2, "Strategi", "Strategi 9 finnes ikke i gjeldende plan (Strategi- og handlingsplan 2019–2023)."),
        (2, "Tittel", "Feltet er påkrevet."),
        (2, "Eksterne partnere", "Fant ingen ekstern partner som heter «UNN HF». Registrer partneren først, "
                                 "eller fjern den fra raden."),
        (2, "Eksterne partnere", "Fant ingen ekstern partner som heter «Statsforvalteren». Registrer partneren "
                                 "først, eller fjern den fra raden."),
        (2, "Fase", "Ukjent fase «Ferdig». Bruk en av: Foreslått, Under utredning, Vedtatt, Under gjennomføring, "
                    "I drift, Avsluttet, Stanset."),
        (2, "Trafikklys", "Ukjent trafikklys «blå». Bruk I rute, Risiko eller Ikke i rute."),
        (2, "Budsjett", "Skriv beløpet som et tall, for eksempel «1 234 567,50» eller «100 000,-»."),
        (2, "Potensial", "Må være mellom 1 og 10."),
        (2, "Synlighet", "Ukjent synlighet «hemmelig». Bruk publisert eller intern."),
    ]


def test_it_refuses_titles_that_exist_or_repeat(world):
    rows = parse(csv_file("Tittel\r\nNytt sak- og arkivsystem\r\nBrann\r\n" + "x" * 201 + "\r\nbrann\r\n"))
    _drafts, errors = validate(rows, world.collaboration)
    assert errors == [
        RowError(2, "Tittel", "Et tiltak med denne tittelen finnes allerede i Nord-Troms."),
        RowError(4, "Tittel", "Teksten er for lang: høyst 200 tegn (nå 201)."),
        RowError(5, "Tittel", "Samme tittel står også i rad 3."),
    ]


def test_it_refuses_an_exception_that_is_not_a_member(world):
    rows = parse(csv_file("Tittel;Deltakere\r\nA;alle unntatt Loppa\r\nB;Alle\r\n"))
    drafts, errors = validate(rows, world.collaboration)
    assert errors == [RowError(2, "Deltakere", "«Loppa» er ikke et nåværende medlem av Nord-Troms.")]
    assert drafts[0].participants == [world.kafjord, world.lyngen]


def test_it_asks_for_a_plan_when_the_collaboration_has_none(world):
    rows = parse(csv_file("Tittel;Strategi\r\nA;1\r\n"))
    _drafts, errors = validate(rows, world.other_collaboration)
    assert errors == [RowError(2, "Strategi", "Samarbeidet har ingen plan med strategier ennå.")]


def test_the_template_imports_as_it_stands(world):
    text = "\r\n".join(";".join(row) for row in template_rows(world.collaboration))
    drafts, errors = validate(parse(csv_file("\ufeff" + text)), world.collaboration)
    assert errors == []
    assert drafts[0].participants == [world.kafjord]  # «alle unntatt Lyngen»


def test_it_checks_a_file_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    body = "".join(f"1;Tiltak {i};Person {i};alle unntatt Lyngen;;;;;\r\n" for i in range(50))
    rows = parse(csv_file(HEADER + "\r\n" + body))
    with django_assert_max_num_queries(8):
        drafts, errors = validate(rows, world.collaboration)
    assert (len(drafts), errors) == (50, [])


# ---------------------------------------------------------------- measure_import

def _counts():
    return (Measure.objects.count(), Measure.history.count(), Participation.objects.count(),
            Participation.history.count(), Person.objects.count())


def test_it_creates_every_row_with_participants_and_history(world):
    rows = parse(csv_file(HEADER + "\r\n"
                          "1;Felles IKT;Ola Ny;alle unntatt Lyngen;I drift;I rute;;;\r\n"
                          "1;Felles innkjøp;Ola Ny;5426, 5424;;Risiko;Anbud forsinket;31.12.2025;100 000,-\r\n"))
    before = Measure.objects.count()
    created = measure_import(acting_user=world.secretariat, collaboration=world.collaboration, rows=rows,
                             filename="handlingsplan.csv")
    assert Measure.objects.count() == before + 2
    ikt, innkjop = created
    assert list(ikt.participants.all()) == [world.kafjord]
    assert list(innkjop.participants.order_by("name")) == [world.kafjord, world.lyngen]
    assert (innkjop.traffic_light, innkjop.light_reason, innkjop.budget) == ("amber", "Anbud forsinket",
                                                                            Decimal("100000"))
    assert ikt.responsible == innkjop.responsible and Person.objects.filter(name="Ola Ny").count() == 1
    record = innkjop.history.get()
    assert (record.history_change_reason, record.history_user) == ("Importert fra handlingsplan.csv",
                                                                    world.secretariat)
    assert ikt.position < innkjop.position


def test_it_creates_nothing_when_a_row_is_wrong(world):
    rows = parse(csv_file(HEADER + "\r\n"
                          "1;Felles IKT;Ola Ny;alle;;;;;\r\n"
                          "1;Felles innkjøp;;Loppa;;;;;\r\n"))
    before = _counts()
    with pytest.raises(ImportRejected) as caught:
        measure_import(acting_user=world.secretariat, collaboration=world.collaboration, rows=rows,
                       filename="handlingsplan.csv")
    assert caught.value.errors == [RowError(3, "Deltakere", "«Loppa» er ikke et nåværende medlem av Nord-Troms.")]
    assert _counts() == before


def test_it_writes_a_template_that_imports_also_when_the_interface_is_english(world):
    """The downloadable template's example row uses Norwegian labels, which the
    importer reads, whatever language the secretariat has chosen."""
    from django.utils import translation

    from collaborations.imports.validation import template_rows

    with translation.override("en"):
        header, example = template_rows(world.collaboration)
    assert "Under utredning" in example and "Risiko" in example and "Prosjektgruppe" in example
