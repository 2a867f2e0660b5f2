"""The admin for the secretariat: scoped by the policy, writes through services."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from collaborations.access import policy
from collaborations.access.models import AuditEvent, Role, RoleAssignment
from collaborations.access.policy import Action
from collaborations.access.roles import STAFF_MODEL_PERMISSIONS, role_revoke, staff_group
from collaborations.portfolio.models import Measure, StatusUpdate
from collaborations.portfolio.services import measure_post_status_update, measure_update
from collaborations.registry.models import Membership
from tests.factories import make_user


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def changelist_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def form_data(response) -> dict:
    """The POST data the admin page would send back unchanged."""
    data = {}

    def put(form):
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None:
                data[key] = ""
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, (list, tuple)):
                data[key] = [str(v) for v in value]
            else:
                data[key] = str(value)

    put(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        put(formset.management_form)
        for form in formset.forms:
            put(form)
    return data


@pytest.fixture
def secretariat_client(client, world):
    client.force_login(world.secretariat)
    return client


def test_it_makes_a_secretariat_user_staff_with_model_permissions(world):
    user = world.secretariat
    user.refresh_from_db()
    assert user.is_staff
    assert user.has_perm("collaborations.change_measure")
    assert user.has_perm("collaborations.view_statusupdate")
    assert not user.has_perm("collaborations.change_statusupdate")
    assert not user.has_perm("collaborations.add_collaboration")


def test_it_takes_staff_away_with_the_last_secretariat_role(world):
    user = world.secretariat
    assignment = RoleAssignment.objects.get(user=user, role=Role.SECRETARIAT)
    role_revoke(acting_user=None, assignment=assignment, reason="Sluttet")
    user = type(user).objects.get(pk=user.pk)
    assert not user.is_staff
    assert not user.has_perm("collaborations.change_measure")


def test_it_gives_the_staff_group_only_collaborations_permissions(db):
    perms = Permission.objects.filter(group=staff_group())
    assert {p.content_type.app_label for p in perms} == {"collaborations"}
    assert "change_statusupdate" not in {p.codename for p in perms}
    # every permission named in the table exists (a typo would silently give less)
    assert perms.count() == sum(len(actions) for actions in STAFF_MODEL_PERMISSIONS.values()) == 87


def test_it_model_permission_does_not_widen_the_policy(world):
    assert world.secretariat.has_perm("collaborations.change_measure")
    assert not policy.allows(world.secretariat, Action.EDIT, world.foreign)
    assert world.foreign not in policy.editable_measures(world.secretariat)


def test_it_lists_only_the_secretariats_own_measures(secretariat_client, world):
    response = secretariat_client.get(changelist_url(Measure))
    assert response.status_code == 200
    titles = {m.title for m in response.context["cl"].result_list}
    assert titles == {"Nytt sak- og arkivsystem", "Helhetlig ROS-analyse", "Arkivnettverk"}


def test_it_lets_a_superuser_see_all_measures(client, world):
    client.force_login(world.superuser)
    response = client.get(changelist_url(Measure))
    assert len(response.context["cl"].result_list) == 5


def test_it_does_not_open_a_foreign_measure(secretariat_client, world):
    response = secretariat_client.get(change_url(world.foreign))
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    history = reverse("admin:collaborations_measure_history", args=[world.foreign_internal.pk])
    response = secretariat_client.get(history)
    assert response.status_code == 403
    assert "ROS Vestre Varanger" not in response.content.decode()


def test_it_refuses_non_staff_users(client, world):
    client.force_login(world.admin_kafjord)
    response = client.get(changelist_url(Measure))
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_it_saves_a_measure_with_history_reason_and_new_version(secretariat_client, world):
    response = secretariat_client.get(change_url(world.shared))
    data = form_data(response)
    data["title"] = "Nytt sak- og arkivsystem (Elements)"
    data["change_reason"] = "Leverandør valgt"
    response = secretariat_client.post(change_url(world.shared), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    world.shared.refresh_from_db()
    assert world.shared.title == "Nytt sak- og arkivsystem (Elements)"
    assert world.shared.version == 2
    last = world.shared.history.first()
    assert (last.history_user, last.history_change_reason) == (world.secretariat, "Leverandør valgt")


def test_it_refuses_a_save_without_a_reason_and_saves_nothing(secretariat_client, world):
    data = form_data(secretariat_client.get(change_url(world.internal)))
    data["description"] = "Oppdatert"
    response = secretariat_client.post(change_url(world.internal), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["change_reason"] == ["Skriv kort hvorfor endringen gjøres."]
    world.internal.refresh_from_db()
    assert world.internal.description == "" and world.internal.version == 1


def test_it_refuses_a_save_over_someone_elses(secretariat_client, world):
    data = form_data(secretariat_client.get(change_url(world.shared)))
    measure_update(acting_user=world.admin_kafjord, measure=world.shared, expected_version=1,
                   reason="Ny fase", phase="study")
    data["title"] = "Mitt nye navn"
    data["change_reason"] = "Nytt navn"
    response = secretariat_client.post(change_url(world.shared), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert errors == ["Noen andre har lagret tiltaket etter at du åpnet det. Last siden på nytt. "
                      "Endret: Fase: Foreslått → Under utredning"]
    world.shared.refresh_from_db()
    assert world.shared.title == "Nytt sak- og arkivsystem"


def test_it_adds_a_participant_through_the_service_and_syncs_permissions(secretariat_client, world):
    data = form_data(secretariat_client.get(change_url(world.internal)))
    data["participating"] = [str(world.kafjord.pk), str(world.lyngen.pk)]
    data["change_reason"] = "Lyngen blir med"
    response = secretariat_client.post(change_url(world.internal), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    lyngen = type(world.admin_lyngen).objects.get(pk=world.admin_lyngen.pk)
    assert policy.allows(lyngen, Action.REPORT_PART, world.internal)
    record = world.internal.participations.get(municipality=world.lyngen).history.first()
    assert (record.history_user, record.history_change_reason) == (world.secretariat, "Lyngen blir med")
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.PARTICIPANTS_CHANGED).get()
    assert (event.acting_user, event.reason) == (world.secretariat, "Lyngen blir med")
    assert event.new_value == {"Deltakere": "Kåfjord, Lyngen"}


def test_it_shows_status_updates_read_only(secretariat_client, world):
    import datetime as dt
    update = measure_post_status_update(acting_user=world.secretariat, measure=world.shared,
                                        reported_on=dt.date(2024, 5, 1), phase="in_progress",
                                        traffic_light="green", status_text="Godt i gang")
    response = secretariat_client.get(change_url(update))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    response = secretariat_client.post(change_url(update), {"status_text": "Endret"})
    assert response.status_code == 403
    assert StatusUpdate.objects.get(pk=update.pk).status_text == "Godt i gang"
    add = secretariat_client.get(reverse("admin:collaborations_statusupdate_add"))
    assert add.status_code == 403


def test_it_grants_a_coordinator_role_through_the_service(secretariat_client, world):
    user = make_user("ny_koordinator")
    response = secretariat_client.post(reverse("admin:collaborations_roleassignment_add"), {
        "user": user.pk, "role": Role.NETWORK_COORDINATOR, "network": world.network.pk,
        "change_reason": "Ny koordinator fra 1. mars"})
    assert response.status_code == 302
    assert policy.allows(type(user).objects.get(pk=user.pk), Action.COORDINATE, world.network)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.ROLE_GRANTED, modified_user=user)
    assert (event.acting_user, event.reason, event.collaboration) == (
        world.secretariat, "Ny koordinator fra 1. mars", world.collaboration)


def test_it_refuses_municipal_roles_and_foreign_collaborations_to_the_secretariat(secretariat_client, world):
    # Kåfjord is also a member of a collaboration the secretariat does not manage
    Membership.objects.create(collaboration=world.other_collaboration, municipality=world.kafjord)
    user = make_user("noen")
    url = reverse("admin:collaborations_roleassignment_add")
    response = secretariat_client.post(url, {"user": user.pk, "role": Role.MUNICIPAL_ADMIN,
                                             "municipality": world.kafjord.pk, "change_reason": "Ny"})
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Roller for en kommune gjelder alle samarbeid kommunen er med i. Kommunen er også med i samarbeid du ikke "
        "forvalter, så rollen tildeles av en hovedadministrator."]
    response = secretariat_client.post(url, {"user": user.pk, "role": Role.SECRETARIAT,
                                             "collaboration": world.other_collaboration.pk, "change_reason": "Ny"})
    assert response.status_code == 200
    assert "collaboration" in response.context["adminform"].form.errors
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_it_revokes_a_role_through_the_service_and_keeps_the_row(secretariat_client, world):
    assignment = RoleAssignment.objects.get(user=world.coordinator)
    response = secretariat_client.post(changelist_url(RoleAssignment), {
        "action": "revoke_selected", "_selected_action": [assignment.pk]})
    assert response.status_code == 302
    coordinator = type(world.coordinator).objects.get(pk=world.coordinator.pk)
    assert not policy.allows(coordinator, Action.COORDINATE, world.network)
    assignment.refresh_from_db()
    assert assignment.revoked_at is not None and assignment.revoked_by == world.secretariat
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.ROLE_REVOKED)
    assert (event.acting_user, event.modified_user) == (world.secretariat, world.coordinator)


def test_it_does_not_delete_a_role(secretariat_client, world):
    assignment = RoleAssignment.objects.get(user=world.coordinator)
    url = reverse("admin:collaborations_roleassignment_delete", args=[assignment.pk])
    assert secretariat_client.post(url, {"post": "yes"}).status_code == 403
    assert RoleAssignment.objects.active().filter(pk=assignment.pk).exists()


def test_it_renders_every_changelist_and_add_page_for_the_secretariat(secretariat_client, world):
    from django.contrib import admin
    for model in admin.site._registry:
        if model._meta.app_label != "collaborations":
            continue
        assert secretariat_client.get(changelist_url(model)).status_code == 200, model
        add = secretariat_client.get(reverse(f"admin:collaborations_{model._meta.model_name}_add"))
        assert add.status_code in (200, 403), model


@pytest.mark.parametrize("page, most", [
    (lambda w: "/admin/", 6),
    (lambda w: "/admin/collaborations/body/", 9),
    (lambda w: f"/admin/collaborations/municipality/{w.kafjord.pk}/change/", 11),  # with its population figures
], ids=["index", "changelist", "change"])
def test_it_asks_the_policy_once_per_page_however_many_models_it_lists(client, world, page, most,
                                                                      django_assert_max_num_queries):
    """The sidebar lists every model and asks may_use_admin for each: the
    answer is memoised per request (31, 22 and 26 queries before)."""
    client.force_login(world.secretariat)
    client.get("/admin/")  # warm the process-wide caches (content types), as in a running server
    with django_assert_max_num_queries(most):
        assert client.get(page(world)).status_code == 200


def test_it_shows_the_history_of_rows_without_simple_history(client, world):
    """A status update and a county keep no django-simple-history; their
    admin history page showed a 500 (found by the canary crawl)."""
    from collaborations.registry.models import County

    client.force_login(world.superuser)
    update = StatusUpdate.objects.first() or measure_post_status_update(
        acting_user=world.secretariat, measure=world.shared, reason="test", status_text="Status",
        reported_on=__import__("datetime").date(2025, 1, 10), phase=world.shared.phase, traffic_light="green")
    county = County.objects.first() or County.objects.create(name="Troms", number="55")
    for obj in (update, county):
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history", args=[obj.pk])
        assert client.get(url).status_code == 200, url
        version = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_simple_history", args=[obj.pk, 0])
        assert client.get(version).status_code == 404, version
