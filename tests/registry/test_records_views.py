"""The collaboration's own records in the portal: its description (nesting
for the installation's administrator only), bodies and their members, people,
outside partners and population figures. Every form asks why, keeps what was
typed on an error (in Norwegian, on the field), detects a concurrent edit by
the newest history row, and saves through the registry's services with
history and an audit event."""

import datetime as dt

import pytest
from django.urls import reverse

from collaborations.access.models import AuditEvent
from collaborations.common.concurrency import latest_history_id
from collaborations.registry.models import Body, BodyMember, Collaboration, OutsidePartner, Person, PopulationFigure
from collaborations.registry.services import body_member_save, body_save, collaboration_save, outside_partner_save, person_save
from tests.factories import client_for

K = AuditEvent.Kind



def url(name, world, *args):
    return reverse(name, args=[world.collaboration.slug, *args])


def body_text(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- the collaboration

def collaboration_data(world, **changes):
    c = world.collaboration
    data = {"name": c.name, "short_name": "NT", "description": "Seks kommuner i Nord-Troms.",
            "established_on": "2018-01-01", "source": "Samarbeidsavtalen 2018",
            "history_id": latest_history_id(c) or "", "reason": "Oppdatert etter regionrådsmøtet"}
    data.update(changes)
    return data


def test_the_secretariat_edits_the_description_with_history_and_audit(world):
    client = client_for(world.secretariat)
    form = body_text(client.get(url("collaboration_edit", world)))
    assert 'name="description"' in form and 'name="history_id"' in form and 'name="reason"' in form
    assert 'name="parent"' not in form  # nesting is the installation's administrator's
    response = client.post(url("collaboration_edit", world), collaboration_data(world))
    assert response.status_code == 302
    c = Collaboration.objects.get(pk=world.collaboration.pk)
    assert (c.short_name, c.description, c.established_on) == ("NT", "Seks kommuner i Nord-Troms.", dt.date(2018, 1, 1))
    record = c.history.latest()
    assert (record.history_user, record.history_change_reason) == (world.secretariat, "Oppdatert etter regionrådsmøtet")
    event = AuditEvent.objects.filter(kind=K.COLLABORATION_SAVED, acting_user=world.secretariat).latest("pk")
    assert event.collaboration == c and event.reason == "Oppdatert etter regionrådsmøtet"
    assert event.new_value["Beskrivelse"] == "Seks kommuner i Nord-Troms."
    assert "Seks kommuner i Nord-Troms." in body_text(client.get(response.url))


def test_an_invalid_edit_saves_nothing_and_keeps_what_was_typed(world):
    response = client_for(world.secretariat).post(url("collaboration_edit", world), collaboration_data(
        world, name="", reason="", description="Utkast til ny tekst", established_on="31.02.2018"))
    body = body_text(response)
    assert response.status_code == 200
    assert "Skriv samarbeidets navn." in body and "Skriv en kort begrunnelse." in body
    assert "Skriv datoen som dd.mm.åååå." in body and "Utkast til ny tekst" in body
    assert Collaboration.objects.get(pk=world.collaboration.pk).description == ""


def test_a_name_used_by_another_collaboration_is_refused_on_the_field(world):
    response = client_for(world.secretariat).post(url("collaboration_edit", world), collaboration_data(
        world, name="Vestre Varanger"))
    assert "Et annet samarbeid har allerede dette navnet." in body_text(response)
    assert Collaboration.objects.get(pk=world.collaboration.pk).name == "Nord-Troms"


def test_a_stale_form_shows_what_changed_and_saves_nothing(world):
    stale = collaboration_data(world, description="Min tekst")
    c = Collaboration.objects.get(pk=world.collaboration.pk)
    c.description = "Regionrådets tekst"
    collaboration_save(acting_user=world.superuser, reason="Rettet", collaboration=c)
    response = client_for(world.secretariat).post(url("collaboration_edit", world), stale)
    body = body_text(response)
    assert response.status_code == 200
    assert "har endret samarbeidet etter at du åpnet skjemaet" in body and "Regionrådets tekst" in body
    assert "Min tekst" in body
    assert Collaboration.objects.get(pk=c.pk).description == "Regionrådets tekst"
    # the form now carries the newest history row: saving again goes through on purpose
    again = client_for(world.secretariat).post(url("collaboration_edit", world), collaboration_data(
        world, description="Min tekst", history_id=latest_history_id(c)))
    assert again.status_code == 302 and Collaboration.objects.get(pk=c.pk).description == "Min tekst"


def test_only_the_installations_administrator_nests_a_collaboration(world):
    forged = client_for(world.secretariat).post(url("collaboration_edit", world), collaboration_data(
        world, parent=world.other_collaboration.pk))
    assert forged.status_code == 302
    assert Collaboration.objects.get(pk=world.collaboration.pk).parent is None
    root = client_for(world.superuser)
    assert 'name="parent"' in body_text(root.get(url("collaboration_edit", world)))
    response = root.post(url("collaboration_edit", world), collaboration_data(
        world, parent=world.other_collaboration.pk))
    assert response.status_code == 302
    assert Collaboration.objects.get(pk=world.collaboration.pk).parent == world.other_collaboration
    # the other way round would put a collaboration inside itself: not offered
    other = reverse("collaboration_edit", args=[world.other_collaboration.slug])
    refused = root.post(other, {"name": "Vestre Varanger", "parent": world.collaboration.pk, "reason": "x",
                                "history_id": ""})
    assert refused.status_code == 200 and "Velg et gyldig valg" in body_text(refused)
    assert Collaboration.objects.get(pk=world.other_collaboration.pk).parent is None


def test_others_may_not_edit_the_collaboration(world):
    for user in (world.admin_kafjord, world.coordinator, world.politician_kafjord):
        assert client_for(user).post(url("collaboration_edit", world), collaboration_data(world)).status_code == 403
    other = reverse("collaboration_edit", args=[world.other_collaboration.slug])
    assert client_for(world.secretariat).get(other).status_code == 403
    assert Collaboration.objects.get(pk=world.collaboration.pk).description == ""


# ---------------------------------------------------------------- bodies

@pytest.fixture
def kdu(world):
    body = Body.objects.create(collaboration=world.collaboration, kind=Body.Kind.CHIEF_EXECUTIVES,
                               name="Kommunedirektørutvalget", mandate="Eier handlingsplanen.")
    chief = Person.objects.create(name="Kari Kommunedirektør", title="kommunedirektør", municipality=world.kafjord,
                                  email="kari@kafjord.kommune.no")
    member = BodyMember.objects.create(body=body, person=chief, role="Leder", starts_on=dt.date(2024, 1, 1))
    return body, chief, member


def body_data(**changes):
    data = {"name": "Regionrådet", "kind": "regional_council", "municipality": "", "mandate": "Politisk råd",
            "receives_annual_report": "on", "reason": "Nytt organ etter samarbeidsavtalen", "history_id": ""}
    data.update(changes)
    return data


def test_the_body_list_is_public_with_members_and_no_edit_links(world, kdu, client):
    body, chief, _member = kdu
    page = body_text(client.get(url("body_list", world)))
    assert "Kommunedirektørutvalget" in page and "Eier handlingsplanen." in page
    assert "Kari Kommunedirektør" in page and "Leder" in page and "01.01.2024" in page
    assert "kari@kafjord.kommune.no" not in page
    assert "Endre organet" not in page and "Nytt organ" not in page
    manager = body_text(client_for(world.secretariat).get(url("body_list", world)))
    assert "Endre organet" in manager and "Legg til medlem" in manager and "Avslutt" in manager


def test_the_secretariat_creates_a_body(world):
    client = client_for(world.secretariat)
    assert client.get(url("body_create", world)).status_code == 200
    response = client.post(url("body_create", world), body_data())
    assert response.status_code == 302
    body = Body.objects.get(name="Regionrådet")
    assert body.collaboration == world.collaboration and body.receives_annual_report
    assert body.history.latest().history_change_reason == "Nytt organ etter samarbeidsavtalen"
    assert AuditEvent.objects.filter(kind=K.BODY_SAVED, object_id=body.pk, acting_user=world.secretariat,
                                     collaboration=world.collaboration).exists()
    assert "Regionrådet" in body_text(client.get(response.url))


def test_a_body_is_refused_on_its_field_and_nothing_is_saved(world, kdu):
    client = client_for(world.secretariat)
    duplicate = client.post(url("body_create", world), body_data(name="kommunedirektørutvalget"))
    assert "Samarbeidet har allerede et organ med dette navnet." in body_text(duplicate)
    council = client.post(url("body_create", world), body_data(name="Kommunestyret", kind="municipal_council",
                                                               reason=""))
    page = body_text(council)
    assert "Et kommunestyre eller formannskap må høre til en kommune." in page
    assert "Skriv en kort begrunnelse." in page and 'value="Kommunestyret"' in page
    assert Body.objects.filter(collaboration=world.collaboration).count() == 1


def test_a_stale_body_form_is_refused(world, kdu):
    body, _chief, _member = kdu
    opened = latest_history_id(body)
    body.mandate = "Nytt mandat fra regionrådet"
    body_save(acting_user=world.superuser, reason="Nytt mandat", body=body)
    response = client_for(world.secretariat).post(url("body_edit", world, body.pk), body_data(
        name="Kommunedirektørutvalget", kind="chief_executives", mandate="Mitt mandat", history_id=opened or ""))
    page = body_text(response)
    assert "har endret organet etter at du åpnet skjemaet" in page and "Nytt mandat fra regionrådet" in page
    assert "Mitt mandat" in page
    assert Body.objects.get(pk=body.pk).mandate == "Nytt mandat fra regionrådet"


def test_another_collaborations_body_is_404(world, kdu):
    foreign = Body.objects.create(collaboration=world.other_collaboration, kind="regional_council", name="Rådet")
    client = client_for(world.secretariat)
    assert client.get(url("body_edit", world, foreign.pk)).status_code == 404
    assert client.post(url("body_member_add", world, foreign.pk), {"person": kdu[1].pk}).status_code == 404


def member_data(person, **changes):
    data = {"person": person.pk, "role": "Medlem", "starts_on": "2025-01-01", "ends_on": "",
            "reason": "Ny kommunedirektør i Lyngen", "history_id": ""}
    data.update(changes)
    return data


def test_the_secretariat_adds_a_member_and_ends_it_without_deleting(world, kdu):
    body, _chief, _member = kdu
    lars = Person.objects.create(name="Lars Lyngen", municipality=world.lyngen)
    client = client_for(world.secretariat)
    response = client.post(url("body_member_add", world, body.pk), member_data(lars))
    assert response.status_code == 302
    member = BodyMember.objects.get(body=body, person=lars)
    assert member.history.latest().history_user == world.secretariat
    assert AuditEvent.objects.filter(kind=K.BODY_SAVED, object_id=member.pk, object_repr=str(member),
                                     collaboration=world.collaboration).exists()
    end_url = url("body_member_end", world, body.pk, member.pk)
    assert "Siste dag i organet" in body_text(client.get(end_url))
    early = client.post(end_url, {"ends_on": "2024-06-30", "reason": "Sluttet",
                                  "history_id": latest_history_id(member)})
    assert "Siste dag kan ikke være før personen ble medlem." in body_text(early)
    ended = client.post(end_url, {"ends_on": "2025-06-30", "reason": "Sluttet som kommunedirektør",
                                  "history_id": latest_history_id(member)})
    assert ended.status_code == 302
    member.refresh_from_db()
    assert member.ends_on == dt.date(2025, 6, 30)
    assert member.history.latest().history_change_reason == "Sluttet som kommunedirektør"
    event = AuditEvent.objects.filter(object_id=member.pk, kind=K.BODY_SAVED, object_repr=str(member)).latest("pk")
    assert event.new_value == {"Til": "30.06.2025"} and event.acting_user == world.secretariat
    assert "30.06.2025" in body_text(client.get(url("body_list", world)))


def test_a_member_is_refused_twice_in_the_same_role_and_outside_people_are_not_offered(world, kdu):
    body, chief, _member = kdu
    stranger = Person.objects.create(name="Vera Varanger", municipality=world.outsider)
    client = client_for(world.secretariat)
    form = body_text(client.get(url("body_member_add", world, body.pk)))
    assert "Kari Kommunedirektør" in form and "Vera Varanger" not in form
    twice = client.post(url("body_member_add", world, body.pk), member_data(chief, role="Leder"))
    assert "Personen er allerede registrert i organet med denne rollen." in body_text(twice)
    forged = client.post(url("body_member_add", world, body.pk), member_data(stranger))
    assert "Velg et gyldig valg" in body_text(forged)
    assert body.members.count() == 1


def test_a_member_edit_over_someone_elses_is_refused(world, kdu):
    body, chief, member = kdu
    opened = latest_history_id(member)
    member.role = "Nestleder"
    body_member_save(acting_user=world.superuser, reason="Ny rolle", member=member)
    response = client_for(world.secretariat).post(url("body_member_edit", world, body.pk, member.pk), member_data(
        chief, role="Sekretær", history_id=opened))
    page = body_text(response)
    assert "har endret medlemmet etter at du åpnet skjemaet" in page and "Nestleder" in page
    assert BodyMember.objects.get(pk=member.pk).role == "Nestleder"


# ---------------------------------------------------------------- people

def person_data(**changes):
    data = {"name": "Kjell Kommunedirektør", "title": "kommunedirektør", "municipality": "", "organisation": "",
            "email": "kjell@lyngen.kommune.no", "reason": "Saksansvarlig for strategi 2", "history_id": ""}
    data.update(changes)
    return data


def test_the_people_list_is_the_secretariats_with_email_and_links_to_person_pages(world, kdu, client):
    assert client.get(url("person_list", world)).status_code == 302
    for user in (world.admin_kafjord, world.coordinator, world.politician_kafjord):
        assert client_for(user).get(url("person_list", world)).status_code == 403
    page = body_text(client_for(world.secretariat).get(url("person_list", world)))
    assert "Kari Kommunedirektør" in page and "kari@kafjord.kommune.no" in page
    assert "Kristin Koordinator" in page
    assert reverse("person_detail", args=[world.coordinator.pk]) in page


def test_the_secretariat_creates_a_chief_executive_without_a_login(world):
    client = client_for(world.secretariat)
    response = client.post(url("person_create", world), person_data(municipality=world.lyngen.pk))
    assert response.status_code == 302
    person = Person.objects.get(name="Kjell Kommunedirektør")
    assert person.user is None and person.municipality == world.lyngen
    assert person.history.latest().history_user == world.secretariat
    event = AuditEvent.objects.get(kind=K.REGISTRY_SAVED, object_id=person.pk, acting_user=world.secretariat)
    assert event.reason == "Saksansvarlig for strategi 2"
    assert "kjell@lyngen.kommune.no" in body_text(client.get(response.url))


def test_a_person_of_an_organisation_registered_by_the_secretariat_is_its_person(world):
    client = client_for(world.secretariat)
    client.post(url("person_create", world), person_data(name="Nina Prosjektleder", organisation="NTSS"))
    person = Person.objects.get(name="Nina Prosjektleder")
    assert "Nina Prosjektleder" in body_text(client.get(url("person_list", world)))
    assert client.get(url("person_edit", world, person.pk)).status_code == 200


def test_a_person_needs_a_municipality_or_an_organisation_and_a_valid_email(world):
    response = client_for(world.secretariat).post(url("person_create", world), person_data(email="kjell@"))
    page = body_text(response)
    assert "Velg kommunen eller skriv organisasjonen personen hører til." in page
    assert "Skriv en gyldig e-postadresse" in page and 'value="Kjell Kommunedirektør"' in page
    assert not Person.objects.filter(name="Kjell Kommunedirektør").exists()


def test_another_collaborations_person_is_404_even_for_a_forged_post(world):
    vera = Person.objects.create(name="Vera Varanger", municipality=world.outsider, email="vera@loppa.kommune.no")
    client = client_for(world.secretariat)
    assert client.get(url("person_edit", world, vera.pk)).status_code == 404
    assert client.post(url("person_edit", world, vera.pk), person_data(
        name="Endret", municipality=world.kafjord.pk)).status_code == 404
    assert Person.objects.get(pk=vera.pk).name == "Vera Varanger"
    assert "vera@loppa.kommune.no" not in body_text(client.get(url("person_list", world)))


def test_a_stale_person_form_is_refused(world, kdu):
    _body, chief, _member = kdu
    opened = latest_history_id(chief)
    chief.title = "rådmann"
    person_save(acting_user=world.superuser, reason="Ny tittel", person=chief)
    response = client_for(world.secretariat).post(url("person_edit", world, chief.pk), person_data(
        name=chief.name, municipality=world.kafjord.pk, title="kommunalsjef", history_id=opened))
    page = body_text(response)
    assert "har endret personen etter at du åpnet skjemaet" in page and "rådmann" in page
    assert Person.objects.get(pk=chief.pk).title == "rådmann"


# ---------------------------------------------------------------- outside partners

def partner_data(**changes):
    data = {"name": "Statsforvalteren i Troms", "kind": "state", "municipality": "",
            "reason": "Deltar i velferdsteknologi", "history_id": ""}
    data.update(changes)
    return data


@pytest.fixture
def partners(world):
    from collaborations.portfolio.services import measure_update

    unn = OutsidePartner.objects.create(name="UNN HF", kind="health_trust")
    hidden = OutsidePartner.objects.create(name="Fylkesmannen", kind="state")
    foreign = OutsidePartner.objects.create(name="Varanger skole", kind="school")
    for measure, partner in ((world.shared, unn), (world.internal, hidden), (world.foreign, foreign)):
        measure.refresh_from_db()
        measure_update(acting_user=None, measure=measure, expected_version=measure.version, reason="Testdata",
                       partner_ids=[partner.pk])
    return unn, hidden, foreign


def test_the_partner_list_shows_the_partners_of_measures_the_visitor_may_see(world, partners, client):
    unn, hidden, foreign = partners
    page = body_text(client.get(url("partner_list", world)))
    assert "UNN HF" in page and "Nytt sak- og arkivsystem" in page
    assert "Fylkesmannen" not in page and "Helhetlig ROS-analyse" not in page and "Varanger skole" not in page
    assert "Ny ekstern partner" not in page
    manager = body_text(client_for(world.secretariat).get(url("partner_list", world)))
    assert "Fylkesmannen" in manager and "Helhetlig ROS-analyse" in manager and "Ny ekstern partner" in manager


def test_the_secretariat_registers_a_partner_and_a_duplicate_name_is_refused_on_the_field(world, partners):
    client = client_for(world.secretariat)
    duplicate = client.post(url("partner_create", world), partner_data(name="unn hf"))
    page = body_text(duplicate)
    assert "«UNN HF» finnes allerede som ekstern partner. Velg den i tiltaket eller nettverket" in page
    assert OutsidePartner.objects.filter(name__iexact="unn hf").count() == 1
    response = client.post(url("partner_create", world), partner_data())
    assert response.status_code == 302
    partner = OutsidePartner.objects.get(name="Statsforvalteren i Troms")
    assert partner.history.latest().history_change_reason == "Deltar i velferdsteknologi"
    assert AuditEvent.objects.filter(kind=K.REGISTRY_SAVED, object_id=partner.pk,
                                     acting_user=world.secretariat).exists()
    listed = body_text(client.get(response.url))
    assert "Ikke i bruk ennå" in listed and "Statsforvalteren i Troms" in listed


def test_a_municipality_partner_names_its_municipality(world):
    response = client_for(world.secretariat).post(url("partner_create", world), partner_data(
        name="Balsfjord kommune", kind="municipality"))
    assert "Velg kommunen når partneren er en kommune utenfor samarbeidet." in body_text(response)
    assert not OutsidePartner.objects.filter(name="Balsfjord kommune").exists()


def test_who_edits_a_partner(world, partners):
    unn, _hidden, foreign = partners
    unused = OutsidePartner.objects.create(name="Nord-Troms videregående skole", kind="school")
    client = client_for(world.secretariat)
    assert client.get(url("partner_edit", world, unn.pk)).status_code == 200
    assert client.get(url("partner_edit", world, unused.pk)).status_code == 200
    # used only in another collaboration: not this secretariat's to change
    assert client.get(url("partner_edit", world, foreign.pk)).status_code == 404
    assert client.post(url("partner_edit", world, foreign.pk), partner_data(
        name="Endret", history_id=latest_history_id(foreign))).status_code == 404
    assert OutsidePartner.objects.get(pk=foreign.pk).name == "Varanger skole"
    assert client_for(world.superuser).get(url("partner_edit", world, foreign.pk)).status_code == 200
    response = client.post(url("partner_edit", world, unn.pk), partner_data(
        name="Universitetssykehuset Nord-Norge HF", kind="health_trust", history_id=latest_history_id(unn)))
    assert response.status_code == 302
    assert OutsidePartner.objects.get(pk=unn.pk).name == "Universitetssykehuset Nord-Norge HF"


def test_a_stale_partner_form_is_refused(world, partners):
    unn = partners[0]
    opened = latest_history_id(unn)
    unn.name = "UNN"
    outside_partner_save(acting_user=world.superuser, reason="Kortere navn", partner=unn)
    response = client_for(world.secretariat).post(url("partner_edit", world, unn.pk), partner_data(
        name="UNN Tromsø", kind="health_trust", history_id=opened))
    page = body_text(response)
    assert "har endret partneren etter at du åpnet skjemaet" in page and 'value="UNN Tromsø"' in page
    assert OutsidePartner.objects.get(pk=unn.pk).name == "UNN"


# ---------------------------------------------------------------- population figures

def figure_data(world, **changes):
    data = {"municipality": world.kafjord.pk, "year": 2025, "population": "2010", "source": "SSB tabell 07459",
            "is_approximate": "", "note": "", "reason": "Nye tall fra SSB", "history_id": ""}
    data.update(changes)
    return data


def test_the_population_page_is_public_per_member(world, client):
    page = body_text(client.get(url("population_list", world)))
    assert "Kåfjord" in page and "Lyngen" in page and "Loppa" not in page
    assert "2024" in page and "2 000" in page.replace("\xa0", " ")
    assert "Nytt innbyggertall" not in page and "Rett" not in page
    assert "Nytt innbyggertall" in body_text(client_for(world.secretariat).get(url("population_list", world)))


def test_the_secretariat_adds_a_figure_and_the_same_year_is_refused_on_the_field(world):
    client = client_for(world.secretariat)
    response = client.post(url("population_create", world), figure_data(world, population="2010"))
    assert response.status_code == 302
    figure = PopulationFigure.objects.get(municipality=world.kafjord, year=2025)
    assert figure.population == 2010 and figure.history.latest().history_user == world.secretariat
    assert AuditEvent.objects.filter(kind=K.REGISTRY_SAVED, object_id=figure.pk, reason="Nye tall fra SSB",
                                     acting_user=world.secretariat).exists()
    again = client.post(url("population_create", world), figure_data(world, population="2020"))
    page = body_text(again)
    assert "Kåfjord har allerede et innbyggertall for 2025. Rett det tallet i stedet." in page
    assert 'value="2020"' in page
    assert PopulationFigure.objects.filter(municipality=world.kafjord, year=2025).count() == 1


def test_a_figure_only_for_a_member(world):
    client = client_for(world.secretariat)
    forged = client.post(url("population_create", world), figure_data(world, municipality=world.outsider.pk))
    assert "Velg et gyldig valg" in body_text(forged)
    assert not PopulationFigure.objects.filter(municipality=world.outsider, year=2025).exists()
    loppa = PopulationFigure.objects.get(municipality=world.outsider)
    assert client.get(url("population_edit", world, loppa.pk)).status_code == 404


def test_a_correction_is_saved_and_a_stale_one_refused(world):
    figure = PopulationFigure.objects.get(municipality=world.lyngen, year=2024)
    client = client_for(world.secretariat)
    form = body_text(client.get(url("population_edit", world, figure.pk)))
    assert 'name="municipality"' not in form and "Rett innbyggertallet for Lyngen 2024" in form
    opened = latest_history_id(figure)
    response = client.post(url("population_edit", world, figure.pk), figure_data(
        world, year=2024, population="2790", is_approximate="on", history_id=opened, reason="Rettet skrivefeil"))
    assert response.status_code == 302
    figure.refresh_from_db()
    assert (figure.population, figure.is_approximate) == (2790, True)
    stale = client.post(url("population_edit", world, figure.pk), figure_data(
        world, year=2024, population="2795", history_id=opened))
    assert "har endret innbyggertallet etter at du åpnet skjemaet" in body_text(stale)
    assert PopulationFigure.objects.get(pk=figure.pk).population == 2790


def test_the_workspace_links_to_the_records(world):
    page = body_text(client_for(world.secretariat).get(reverse("workspace", args=[world.collaboration.slug])))
    for name in ("collaboration_edit", "body_list", "person_list", "partner_list", "population_list",
                 "member_list", "network_list", "merger"):
        assert url(name, world) in page


def test_people_partners_and_figures_saved_here_are_on_this_collaborations_audit_trail(world):
    """They belong to no single collaboration; the change is recorded where it was made."""
    client = client_for(world.secretariat)
    client.post(url("person_create", world), person_data(municipality=world.lyngen.pk))
    client.post(url("partner_create", world), partner_data(name="Statsforvalteren i Troms"))
    client.post(url("population_create", world), figure_data(world, population="2010"))
    events = AuditEvent.objects.filter(kind=K.REGISTRY_SAVED, acting_user=world.secretariat)
    assert events.count() == 3
    assert set(events.values_list("collaboration", flat=True)) == {world.collaboration.pk}
    trail = body_text(client.get(reverse("audit_trail", args=[world.collaboration.slug])))
    assert "Kjell Kommunedirektør" in trail and "Statsforvalteren i Troms" in trail
