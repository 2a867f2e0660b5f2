"""Cost keys in the portal: list, create and edit through the COST_KEYS
records service, with a reason; the 100 % rule on the field."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from collaborations.access.models import AuditEvent
from collaborations.economy.forms import AgreementForm
from collaborations.economy.models import CostKey, HostAgreement
from tests.factories import client_for

SLUG = "nord-troms"



def data(**extra):
    values = {"name": "Fast fordeling", "fixed_share_percent": "30", "population_share_percent": "70",
              "population_year": "2025", "description": "", "reason": "Vedtatt i regionrådet"}
    values.update(extra)
    return values


def test_the_list_shows_the_keys(world):
    body = client_for(world.secretariat).get(reverse("cost_key_list", args=[SLUG])).content.decode()
    assert "Regionrådsnøkkel" in body and "Endre Regionrådsnøkkel" in body


def test_the_secretariat_creates_a_key_with_history_and_audit(world):
    client = client_for(world.secretariat)
    url = reverse("cost_key_create", args=[SLUG])
    assert client.get(url).status_code == 200
    response = client.post(url, data(fixed_share_percent="30,0"))
    assert response.status_code == 302
    key = CostKey.objects.get(name="Fast fordeling")
    assert key.collaboration == world.collaboration and key.fixed_share_percent == Decimal("30")
    assert key.history.latest().history_change_reason == "Vedtatt i regionrådet"
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.COST_KEY_SAVED, object_id=key.pk)
    assert event.collaboration == world.collaboration and event.acting_user == world.secretariat


def test_shares_that_do_not_add_up_to_100_are_refused_on_the_field(world):
    response = client_for(world.secretariat).post(reverse("cost_key_create", args=[SLUG]),
                                                  data(population_share_percent="60"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_population_share_percent_error"' in body
    assert "Fast andel og andel etter innbyggertall må til sammen bli 100 %." in body
    assert 'value="Fast fordeling"' in body
    assert not CostKey.objects.filter(name="Fast fordeling").exists()


def test_a_name_used_before_and_a_missing_reason_are_refused(world):
    response = client_for(world.secretariat).post(reverse("cost_key_create", args=[SLUG]),
                                                  data(name="Regionrådsnøkkel", reason=""))
    body = response.content.decode()
    assert "Samarbeidet har allerede en kostnadsnøkkel med dette navnet." in body
    assert "Skriv kort hvorfor kostnadsnøkkelen endres." in body
    assert CostKey.objects.filter(name="Regionrådsnøkkel").count() == 1


def test_the_secretariat_edits_a_key(world):
    url = reverse("cost_key_edit", args=[SLUG, world.cost_key.pk])
    client = client_for(world.secretariat)
    assert "Endre kostnadsnøkkelen Regionrådsnøkkel" in client.get(url).content.decode()
    response = client.post(url, data(name="Regionrådsnøkkel", fixed_share_percent="25",
                                      population_share_percent="75", reason="Ny fordeling fra 2026"))
    assert response.status_code == 302
    world.cost_key.refresh_from_db()
    assert world.cost_key.label == "25/75"
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.COST_KEY_SAVED, object_id=world.cost_key.pk)
    assert event.old_value["Fast andel (%)"] == "20,00" and event.new_value["Fast andel (%)"] == "25,00"


def test_only_the_secretariat_keeps_cost_keys(world):
    for user in (world.politician_kafjord, world.admin_kafjord, world.coordinator, world.admin_outsider):
        assert client_for(user).get(reverse("cost_key_list", args=[SLUG])).status_code == 403
        assert client_for(user).post(reverse("cost_key_create", args=[SLUG]), data()).status_code == 403
    assert client_for(world.secretariat).get(reverse("cost_key_edit", args=["vestre-varanger", world.cost_key.pk])) \
        .status_code == 403
    assert client_for(world.superuser).get(reverse("cost_key_edit", args=["vestre-varanger", world.cost_key.pk])) \
        .status_code == 404
    assert not CostKey.objects.filter(name="Fast fordeling").exists()


def test_amounts_are_read_as_norwegians_type_them(world):
    form = AgreementForm({"service": "IT", "host": world.kafjord.pk, "legal_basis": "20-2", "positions": "2,5",
                          "annual_cost": "1 500 000", "visibility": "published", "reason": "Test"},
                         instance=HostAgreement(collaboration=world.collaboration))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["positions"] == Decimal("2.5")
    assert form.cleaned_data["annual_cost"] == Decimal("1500000")


def test_a_stale_form_shows_what_changed_and_saves_nothing(world):
    from collaborations.common.concurrency import latest_history_id
    from collaborations.economy.services import cost_key_save

    url = reverse("cost_key_edit", args=[SLUG, world.cost_key.pk])
    opened_at = latest_history_id(world.cost_key)
    key = CostKey.objects.get(pk=world.cost_key.pk)
    key.description = "Endret av en kollega"
    cost_key_save(acting_user=world.superuser, cost_key=key, reason="Kollegaen var først")
    response = client_for(world.secretariat).post(url, data(
        name="Regionrådsnøkkel", fixed_share_percent="25", population_share_percent="75", history_id=opened_at))
    page = response.content.decode()
    assert response.status_code == 200 and "har endret kostnadsnøkkelen etter at du åpnet skjemaet" in page
    assert "Endret av en kollega" in page and 'value="25"' in page
    assert CostKey.objects.get(pk=world.cost_key.pk).fixed_share_percent == Decimal(20)
