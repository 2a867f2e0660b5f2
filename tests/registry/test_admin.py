"""The registry's admin decides nothing itself: a new member, an exit, a
merger and every save go through registry.services, which keep the rules
(consent of all original members), history and the audit trail."""

import datetime as dt

import pytest
from django.urls import reverse

from collaborations.access.models import AuditEvent
from collaborations.registry.models import Body, Membership, Municipality, PopulationFigure
from tests.factories import make_municipality


@pytest.fixture
def secretariat(client, world):
    client.force_login(world.secretariat)
    return client


def add_member(client, world, municipality, consenting, reason="Vedtak i kommunestyrene"):
    return client.post(reverse("admin:collaborations_membership_add"), {
        "collaboration": world.collaboration.pk, "municipality": municipality.pk, "joined_on": "2025-01-01",
        "consenting": [m.pk for m in consenting], "change_reason": reason}, follow=True)


def test_it_refuses_a_new_member_without_the_consent_of_all_original_members(secretariat, world):
    storfjord = make_municipality("Storfjord", "5538")
    response = add_member(secretariat, world, storfjord, consenting=[world.kafjord])
    assert "Mangler samtykke fra Lyngen." in response.content.decode()
    assert not Membership.objects.filter(municipality=storfjord).exists()
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.MEMBERSHIP_ADDED).exists()


def test_it_takes_a_new_member_in_with_consent_and_records_it(secretariat, world):
    storfjord = make_municipality("Storfjord", "5538")
    response = add_member(secretariat, world, storfjord, consenting=[world.kafjord, world.lyngen])
    assert response.status_code == 200
    membership = Membership.objects.get(municipality=storfjord)
    assert not membership.is_original_member and membership.joined_on == dt.date(2025, 1, 1)
    assert membership.history.first().history_user == world.secretariat
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.MEMBERSHIP_ADDED)
    assert (event.acting_user, event.collaboration, event.reason) == (
        world.secretariat, world.collaboration, "Vedtak i kommunestyrene")


def test_it_ends_a_membership_with_a_reason(secretariat, world):
    membership = Membership.objects.get(collaboration=world.collaboration, municipality=world.lyngen)
    url = reverse("admin:collaborations_membership_change", args=[membership.pk])
    response = secretariat.post(url, {"left_on": "2026-12-31", "change_reason": "Oppsagt etter § 20-4"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.left_on == dt.date(2026, 12, 31)
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.MEMBERSHIP_ENDED).reason == "Oppsagt etter § 20-4"
    # An ended membership is only viewed from then on (it was a 500: the view has no field to change).
    page = secretariat.get(url)
    assert page.status_code == 200 and "31.12.2026" in page.content.decode()


def test_it_shows_why_an_exit_was_refused_on_the_form(secretariat, world):
    membership = Membership.objects.get(collaboration=world.collaboration, municipality=world.lyngen)
    url = reverse("admin:collaborations_membership_change", args=[membership.pk])
    response = secretariat.post(url, {"left_on": "2026-12-31", "change_reason": "x" * 501})
    page = response.content.decode()
    assert response.status_code == 200 and "Teksten er for lang: høyst 500 tegn (nå 501)." in page
    assert 'name="change_reason"' in page  # the form again, not the read-only view of the row
    membership.refresh_from_db()
    assert membership.left_on is None


def test_it_merges_municipalities_through_the_service(client, world):
    client.force_login(world.superuser)
    senja = make_municipality("Senja", "5421")
    response = client.post(reverse("admin:collaborations_municipality_changelist"), {
        "action": "merge", "_selected_action": [world.kafjord.pk, world.lyngen.pk]})
    assert response.status_code == 302
    response = client.post(response.url, {"successor": senja.pk, "on_date": "2027-01-01",
                                          "reason": "Stortingets vedtak"})
    assert response.status_code == 302
    assert set(Municipality.objects.filter(successor=senja).values_list("name", flat=True)) == {"Kåfjord", "Lyngen"}
    assert Membership.objects.filter(collaboration=world.collaboration, municipality=senja).exists()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.MUNICIPALITY_MERGED, collaboration=world.collaboration,
                                     reason="Stortingets vedtak").exists()


def test_it_offers_the_merger_only_to_the_installations_administrators(secretariat, world):
    page = secretariat.get(reverse("admin:collaborations_municipality_changelist")).content.decode()
    assert 'value="merge"' not in page
    response = secretariat.get(reverse("admin:collaborations_municipality_merge") + f"?ids={world.kafjord.pk}")
    assert response.status_code == 302
    assert Municipality.objects.filter(successor__isnull=False).count() == 0


def test_it_saves_a_body_and_its_members_through_services(secretariat, world):
    response = secretariat.post(reverse("admin:collaborations_body_add"), {
        "collaboration": world.collaboration.pk, "kind": "chief_executives", "name": "KDU Nord-Troms",
        "mandate": "", "change_reason": "Nytt utvalg",
        "members-TOTAL_FORMS": "0", "members-INITIAL_FORMS": "0", "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    body = Body.objects.get(name="KDU Nord-Troms")
    assert (body.history.first().history_user, body.history.first().history_change_reason) == (
        world.secretariat, "Nytt utvalg")
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.BODY_SAVED).collaboration == world.collaboration


def test_it_keeps_the_membership_list_read_only_on_the_collaboration(secretariat, world):
    page = secretariat.get(reverse("admin:collaborations_collaboration_change", args=[world.collaboration.pk]))
    inline = next(f for f in page.context["inline_admin_formsets"] if f.formset.model is Membership)
    assert not inline.has_add_permission and not inline.has_change_permission


def test_the_secretariat_keeps_its_members_population_figures(secretariat, world):
    """Names and population figures of a member are kept by its secretariat
    (policy.may_keep_municipality), on the municipality's page; a municipality
    outside its collaborations is read-only."""
    url = reverse("admin:collaborations_municipality_change", args=[world.kafjord.pk])
    page = secretariat.get(url)
    inline = next(f for f in page.context["inline_admin_formsets"] if f.formset.model is PopulationFigure)
    assert inline.has_add_permission and inline.has_change_permission and inline.has_view_permission

    existing = list(world.kafjord.population_figures.order_by("year"))
    data = {"name": "Kåfjord", "sami_name": "Gáivuotna", "kven_name": "Kaivuono", "change_reason": "SSB 2025",
            "population_figures-TOTAL_FORMS": str(len(existing) + 1),
            "population_figures-INITIAL_FORMS": str(len(existing)),
            "population_figures-MIN_NUM_FORMS": "0", "population_figures-MAX_NUM_FORMS": "1000"}
    for i, figure in enumerate(existing):
        data.update({f"population_figures-{i}-id": figure.pk, f"population_figures-{i}-municipality": world.kafjord.pk,
                     f"population_figures-{i}-year": figure.year, f"population_figures-{i}-population": figure.population,
                     f"population_figures-{i}-source": figure.source})
    n = len(existing)
    data.update({f"population_figures-{n}-municipality": world.kafjord.pk, f"population_figures-{n}-year": "2025",
                 f"population_figures-{n}-population": "2011", f"population_figures-{n}-source": "SSB 07459"})
    response = secretariat.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert world.kafjord.population_figures.get(year=2025).population == 2011

    outside = reverse("admin:collaborations_municipality_change", args=[world.outsider.pk])
    inlines = [f for f in secretariat.get(outside).context["inline_admin_formsets"]
               if f.formset.model is PopulationFigure]
    assert not any(f.has_add_permission or f.has_change_permission for f in inlines)


def test_it_keeps_the_admins_free_text_to_the_portals_limit(secretariat, world):
    """A TextField has no limit of its own; the admin's forms give it the portal's (4000 characters)."""
    body = Body.objects.create(collaboration=world.collaboration, kind="chief_executives", name="KDU")
    url = reverse("admin:collaborations_body_change", args=[body.pk])
    response = secretariat.post(url, {
        "collaboration": world.collaboration.pk, "kind": "chief_executives", "name": "KDU",
        "mandate": "x" * 4001, "change_reason": "For lang tekst",
        "members-TOTAL_FORMS": "0", "members-INITIAL_FORMS": "0", "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000"})
    assert response.status_code == 200
    assert "Teksten er for lang: høyst 4000 tegn (nå 4001)." in response.content.decode()
    body.refresh_from_db()
    assert body.mandate == ""
