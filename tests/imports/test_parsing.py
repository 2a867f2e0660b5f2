"""Reading and checking a spreadsheet of measures (collaborations.imports)
and writing it all or nothing (services.imports.measure_import)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from collaborations.imports.parsing import ImportRejected, ParsedFile, RowError, parse
from collaborations.imports.services import measure_import
from collaborations.imports.validation import check, template_rows, validate
from collaborations.portfolio.models import Measure, Participation
from collaborations.registry.models import OutsidePartner, Person
from tests.common.workbooks import formula, inline, number, row, xlsx

HEADER = "Strategi;Tittel;Ansvarlig;Deltakere;Fase;Trafikklys;Begrunnelse;Frist;Budsjett"


def csv_file(text: str, name: str = "tiltak.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), "text/csv")


def parse_rows(file) -> list:
    parsed = parse(file)
    assert parsed.errors == []
    return parsed.rows


def xlsx_file(rows: list[list], name: str = "tiltak.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    for values in rows:
        book.active.append(values)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


# ---------------------------------------------------------------- parse

def test_it_reads_a_semicolon_csv_with_bom_from_norwegian_excel():
    rows = parse_rows(csv_file("\ufeff" + HEADER + "\r\n1;Felles IKT;Kari Nordmann;alle;I drift;I rute;;31.12.2025;"
                          "1 234 567,50\r\n"))
    assert [r.number for r in rows] == [2]
    assert rows[0].values["title"] == "Felles IKT"
    assert rows[0].values["strategy"] == "1"
    assert rows[0].values["budget"] == "1 234 567,50"


def test_it_reads_a_comma_csv_without_bom_with_headers_in_any_case_and_order():
    rows = parse_rows(csv_file('TITTEL,deltakere\n"Brann, Nord-Troms",Kåfjord\n'))
    assert rows[0].values == {"title": "Brann, Nord-Troms", "participants": "Kåfjord"}


def test_it_reads_a_csv_saved_as_windows_1252_and_says_so():
    parsed = parse(csv_file("Tittel;Deltakere\r\nFelles innkjøp;Kåfjord\r\n", encoding="cp1252"))
    assert parsed.rows[0].values["title"] == "Felles innkjøp"
    assert parsed.encoding == "windows-1252"  # the preview says which encoding was assumed
    assert parse(csv_file("Tittel\r\nFelles innkjøp\r\n")).encoding == ""


@pytest.mark.parametrize("content, message", [
    (b"Tittel\r\nFelles innkj\xc3\xb8p\r\nBrann\xe5\r\n",
     "Filen er UTF-8, men har tegn i en annen tegnkoding på linje 3. Lagre filen som «CSV UTF-8» i Excel og prøv "
     "igjen."),
    (b"Tittel\r\nA\xed\xa0\x80\r\n",  # U+D800 written as UTF-8
     "Filen har et ugyldig tegn (en halv surrogat) på linje 2. Lagre filen som «CSV UTF-8» i Excel og prøv igjen."),
    (b"Tittel\r\nA\r\nB\x81\r\n",
     "Filen kunne ikke leses: den er verken UTF-8 eller Windows-1252 (ukjent tegn på linje 3). Lagre filen som "
     "«CSV UTF-8» i Excel og prøv igjen."),
    (b"Tittel\r\nA\r\nB\x00C\r\n",
     "Filen inneholder NUL-tegn (første gang på linje 3), så den er ikke en vanlig CSV-fil. Lagre filen som «CSV "
     "UTF-8» i Excel og prøv igjen."),
])
def test_it_refuses_a_csv_in_no_encoding_it_can_name(content, message):
    with pytest.raises(ImportRejected) as caught:
        parse(SimpleUploadedFile("tiltak.csv", content))
    assert caught.value.errors == [RowError(None, "", message)]


def test_it_reads_a_formulas_saved_value_and_names_a_formula_without_one(world):
    data = xlsx([row(1, inline("A1", "Tittel"), inline("B1", "Budsjett")),
                 row(2, formula("A2", 'CONCAT("Felles ","IKT")', "Felles IKT", kind="str"), formula("B2", "1000*2", 2000)),
                 row(3, formula("A3", 'CONCAT("a","b")', kind="str"), formula("B3", "1000*3"))])
    parsed = parse(SimpleUploadedFile("tiltak.xlsx", data))
    assert [r.values for r in parsed.rows] == [{"title": "Felles IKT", "budget": 2000}, {"title": "", "budget": ""}]
    formula_message = "Cellen inneholder en formel uten lagret verdi. Lim inn verdien i stedet for formelen."
    assert parsed.errors == [RowError(3, "Tittel", formula_message), RowError(3, "Budsjett", formula_message)]
    drafts, errors = check(parsed, world.collaboration)
    assert errors == parsed.errors  # not also «Feltet er påkrevet» for the same cell
    assert [(d.row, d.fields["title"], d.fields["budget"]) for d in drafts] == [(2, "Felles IKT", Decimal("2000"))]


def test_it_names_merged_cells_that_would_import_empty():
    data = xlsx([row(1, inline("A1", "Strategi"), inline("B1", "Tittel")),
                 row(2, number("A2", 1), inline("B2", "A")), row(3, inline("B3", "B")), row(4, inline("B4", "C"))],
                after='<mergeCells count="2"><mergeCell ref="A2:A3"/><mergeCell ref="C1:D1"/></mergeCells>')
    parsed = parse(SimpleUploadedFile("tiltak.xlsx", data))
    assert parsed.errors == [RowError(2, "Strategi", "Cellene A2:A3 er slått sammen, så verdien står bare i den "
                                      "første. Opphev sammenslåingen og skriv verdien i hver celle den gjelder.")]


def test_it_names_characters_that_cannot_be_saved_and_too_long_texts():
    parsed = parse(SimpleUploadedFile("tiltak.xlsx", xlsx([
        row(1, inline("A1", "Tittel"), inline("B1", "Beskrivelse")),
        row(2, inline("A2", "Bjelle_x0007_"), inline("B2", "x" * 4001)), row(3, inline("A3", "God"))])))
    assert parsed.errors == [
        RowError(2, "Tittel", "Cellen inneholder et tegn som ikke kan lagres (U+0007). Fjern det og last opp filen "
                              "på nytt."),
        RowError(2, "Beskrivelse", "Teksten er for lang: høyst 4000 tegn (nå 4001)."),
    ]
    assert parsed.rows[1].values == {"title": "God", "description": ""}


def test_it_stops_after_the_last_row_it_may_import():
    """1001 rows are refused; what follows row 1002 (a broken quote that
    would fail the CSV reader) is never read."""
    body = "".join(f"Tiltak {i}\r\n" for i in range(1001)) + '"uavsluttet\r\n' + "x\r\n" * 5000
    with pytest.raises(ImportRejected) as caught:
        parse(csv_file("Tittel\r\n" + body))
    assert caught.value.errors == [RowError(None, "", "Filen har mer enn 1000 tiltak. Del den opp: høyst 1000 "
                                                      "tiltak per import.")]
    assert len(parse(csv_file("Tittel\r\n" + "".join(f"T{i}\r\n" for i in range(1000)))).rows) == 1000


def test_a_date_column_with_a_number_or_truth_value_is_an_error_not_a_crash(world):
    data = xlsx([row(1, inline("A1", "Tittel"), inline("B1", "Frist")),
                 row(2, inline("A2", "A"), number("B2", 45000)),
                 row(3, inline("A3", "B"), '<c r="B3" t="b"><v>1</v></c>')])
    _drafts, errors = check(parse(SimpleUploadedFile("tiltak.xlsx", data)), world.collaboration)
    assert errors == [RowError(n, "Frist", "Skriv datoen som dd.mm.åååå, for eksempel 31.12.2025.") for n in (2, 3)]


def test_what_was_read_survives_the_wait_for_the_confirmation_unchanged():
    parsed = parse(xlsx_file([["Tittel", "Frist", "Budsjett", "Potensial"],
                              ["Klimaplan «æøå» <b>", dt.datetime(2025, 12, 31), 100000.5, 7]]))
    parsed.errors.append(RowError(2, "Tittel", "En feil"))
    again = ParsedFile.from_json(parsed.to_json())
    assert again == parsed
    assert again.rows[0].values["follow_up_due"] == dt.date(2025, 12, 31)


def test_it_keeps_the_spreadsheet_row_numbers_across_empty_rows():
    rows = parse_rows(csv_file("Tittel;Status\r\nA;x\r\n;\r\n\r\nB;\"to\r\n\r\nlinjer\"\r\nC;\r\n"))
    assert [(r.number, r.values["title"]) for r in rows] == [(2, "A"), (5, "B"), (6, "C")]
    assert rows[1].values["status_text"] == "to\r\n\r\nlinjer"


def test_it_reads_an_xlsx_with_numbers_and_dates_as_cells():
    rows = parse_rows(xlsx_file([["Tittel", "Frist", "Potensial", "Budsjett"],
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
    rows = parse_rows(csv_file(
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
    rows = parse_rows(csv_file(HEADER + "\r\n"
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
    rows = parse_rows(csv_file("Strategi;Tittel;Fase;Trafikklys;Budsjett;Potensial;Synlighet;Eksterne partnere\r\n"
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
    rows = parse_rows(csv_file("Tittel\r\nNytt sak- og arkivsystem\r\nBrann\r\n" + "x" * 201 + "\r\nbrann\r\n"))
    _drafts, errors = validate(rows, world.collaboration)
    assert errors == [
        RowError(2, "Tittel", "Et tiltak med denne tittelen finnes allerede i Nord-Troms."),
        RowError(4, "Tittel", "Teksten er for lang: høyst 200 tegn (nå 201)."),
        RowError(5, "Tittel", "Samme tittel står også i rad 3."),
    ]


def test_it_refuses_an_exception_that_is_not_a_member(world):
    rows = parse_rows(csv_file("Tittel;Deltakere\r\nA;alle unntatt Loppa\r\nB;Alle\r\n"))
    drafts, errors = validate(rows, world.collaboration)
    assert errors == [RowError(2, "Deltakere", "«Loppa» er ikke et nåværende medlem av Nord-Troms.")]
    assert drafts[0].participants == [world.kafjord, world.lyngen]


def test_it_asks_for_a_plan_when_the_collaboration_has_none(world):
    rows = parse_rows(csv_file("Tittel;Strategi\r\nA;1\r\n"))
    _drafts, errors = validate(rows, world.other_collaboration)
    assert errors == [RowError(2, "Strategi", "Samarbeidet har ingen plan med strategier ennå.")]


def test_the_template_imports_as_it_stands(world):
    text = "\r\n".join(";".join(row) for row in template_rows(world.collaboration))
    drafts, errors = validate(parse_rows(csv_file("\ufeff" + text)), world.collaboration)
    assert errors == []
    assert drafts[0].participants == [world.kafjord]  # «alle unntatt Lyngen»


def test_it_checks_a_file_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    body = "".join(f"1;Tiltak {i};Person {i};alle unntatt Lyngen;;;;;\r\n" for i in range(50))
    rows = parse_rows(csv_file(HEADER + "\r\n" + body))
    with django_assert_max_num_queries(8):
        drafts, errors = validate(rows, world.collaboration)
    assert (len(drafts), errors) == (50, [])


# ---------------------------------------------------------------- measure_import

def _counts():
    return (Measure.objects.count(), Measure.history.count(), Participation.objects.count(),
            Participation.history.count(), Person.objects.count())


def test_it_creates_every_row_with_participants_and_history(world):
    parsed = parse(csv_file(HEADER + "\r\n"
                          "1;Felles IKT;Ola Ny;alle unntatt Lyngen;I drift;I rute;;;\r\n"
                          "1;Felles innkjøp;Ola Ny;5426, 5424;;Risiko;Anbud forsinket;31.12.2025;100 000,-\r\n"))
    before = Measure.objects.count()
    created = measure_import(acting_user=world.secretariat, collaboration=world.collaboration, parsed=parsed,
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
    parsed = parse(csv_file(HEADER + "\r\n"
                          "1;Felles IKT;Ola Ny;alle;;;;;\r\n"
                          "1;Felles innkjøp;;Loppa;;;;;\r\n"))
    before = _counts()
    with pytest.raises(ImportRejected) as caught:
        measure_import(acting_user=world.secretariat, collaboration=world.collaboration, parsed=parsed,
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
