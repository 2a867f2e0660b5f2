"""The outside partner's role: a partner's user reports the partner's own part
of the measures it takes part in, in the collaboration the role was granted
in, and sees nothing internal beyond them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from collaborations.access import policy
from collaborations.access.models import AuditEvent, Role, RoleAssignment
from collaborations.access.policy import Action
from collaborations.access.roles import role_grant, role_revoke
from collaborations.common.errors import DomainError
from collaborations.portfolio import selectors
from collaborations.portfolio.models import Measure, StatusUpdate
from collaborations.portfolio.services import measure_post_status_update, measure_update
from collaborations.registry.models import OutsidePartner
from tests.access.matrix import INTERNAL_TITLES, make_matrix_world
from tests.factories import client_for, make_measure, make_partner_user, make_user

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def fresh(user):
    return type(user).objects.get(pk=user.pk)



def status_data(**extra) -> dict:
    data = {"reported_on": TODAY.isoformat(), "phase": "in_progress", "traffic_light": "green",
            "light_reason": "", "status_text": "Vi har bemannet vår del.", "follow_up_text": "",
            "follow_up_responsible": "", "follow_up_due": ""}
    data.update(extra)
    return data


# ---------------------------------------------------------------- policy and roles

def test_a_partner_user_reports_on_the_measures_its_partner_takes_part_in(world):
    partner, user = make_partner_user(world)
    user = fresh(user)
    assert policy.allows(user, Action.REPORT_PART, world.shared)
    assert policy.reportable_partner_ids(user, world.shared) == {partner.pk}
    assert not policy.allows(user, Action.EDIT, world.shared)
    assert not policy.allows(user, Action.VIEW, world.internal)
    assert not policy.allows(user, Action.VIEW, world.foreign_internal)
    assert policy.reportable_municipality_ids(user, world.shared) == set()
    assert not policy.allows(user, Action.VIEW_INTERNAL, world.collaboration)
    assert list(selectors.my_measures(user)) == [world.shared]


def test_an_internal_measure_the_partner_takes_part_in_is_visible_but_not_its_internal_documents(world):
    from django.core.files.base import ContentFile

    from collaborations.portfolio.models import Document

    partner, user = make_partner_user(world, measures=[world.internal])
    user = fresh(user)
    assert policy.allows(user, Action.VIEW, world.internal)
    assert list(policy.visible_measures(user, Measure.objects.filter(visibility="internal"))) == [world.internal]
    ros = Document.objects.create(measure=world.internal, title="ROS", visibility="internal",
                                  file=ContentFile(b"x", name="ros.pdf"))
    assert not policy.allows(user, Action.VIEW, ros)
    assert list(policy.visible_documents(user, world.internal)) == []
    assert policy.allows(fresh(world.admin_kafjord), Action.VIEW, ros)  # the participant's administration still does


def test_the_role_reaches_only_the_collaboration_it_was_granted_in(world):
    partner, user = make_partner_user(world)
    foreign = world.foreign
    measure_update(acting_user=None, measure=foreign, expected_version=foreign.version, reason="Testdata",
                   partner_ids=[partner.pk])
    user = fresh(user)
    assert not policy.allows(user, Action.REPORT_PART, world.foreign)
    assert policy.reportable_partner_ids(user, world.foreign) == set()


def test_partners_changing_on_a_measure_recompute_the_permissions(world):
    partner, user = make_partner_user(world)
    other = make_measure(world.collaboration, title="Felles legevakt")
    assert not policy.allows(fresh(user), Action.REPORT_PART, other)
    measure_update(acting_user=world.secretariat, measure=other, expected_version=other.version,
                   reason="UNN HF deltar", partner_ids=[partner.pk])
    assert policy.allows(fresh(user), Action.REPORT_PART, other)
    shared = Measure.objects.get(pk=world.shared.pk)
    measure_update(acting_user=world.secretariat, measure=shared, expected_version=shared.version,
                   reason="UNN HF er ikke med lenger", partner_ids=[])
    assert not policy.allows(fresh(user), Action.REPORT_PART, shared)


def test_revoking_the_partner_role_takes_the_permission_away(world):
    partner, user = make_partner_user(world)
    assignment = RoleAssignment.objects.get(user=user, role=Role.PARTNER)
    role_revoke(acting_user=world.secretariat, assignment=assignment, reason="Sluttet i UNN")
    user = fresh(user)
    assert not policy.allows(user, Action.REPORT_PART, world.shared)
    assert list(selectors.my_measures(user)) == []
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.ROLE_REVOKED, modified_user=user)
    assert (event.collaboration, event.reason) == (world.collaboration, "Sluttet i UNN")


def test_two_partner_roles_of_one_user_do_not_take_each_other_away(world):
    partner, user = make_partner_user(world)
    other_partner = OutsidePartner.objects.create(name="Statsforvalteren i Troms og Finnmark")
    shared = Measure.objects.get(pk=world.shared.pk)
    measure_update(acting_user=None, measure=shared, expected_version=shared.version, reason="Testdata",
                   partner_ids=[partner.pk, other_partner.pk])
    second = role_grant(acting_user=None, reason="Testdata", user=user, role=Role.PARTNER, partner=other_partner)
    role_revoke(acting_user=None, assignment=second, reason="Feil")
    assert policy.allows(fresh(user), Action.REPORT_PART, world.shared)


# ---------------------------------------------------------------- the service

def test_a_partner_part_leaves_the_measure_alone_and_is_audited(world):
    partner, user = make_partner_user(world)
    before = Measure.objects.get(pk=world.shared.pk)
    update = measure_post_status_update(acting_user=user, measure=before, partner=partner, reported_on=TODAY,
                                        phase="in_progress", traffic_light="amber", light_reason="Mangler lege")
    after = Measure.objects.get(pk=world.shared.pk)
    assert (update.partner, update.municipality, update.author) == (partner, None, user)
    assert (after.version, after.traffic_light, after.last_status_at) == (
        before.version, before.traffic_light, before.last_status_at)
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.STATUS_UPDATED).first()
    assert event.new_value["Gjelder"] == "UNN HF"
    assert selectors.latest_partner_update(after, partner) == update


def test_the_service_refuses_a_partner_not_taking_part_and_both_parts(world):
    partner, _user = make_partner_user(world)
    stranger = OutsidePartner.objects.create(name="Universitetet")
    with pytest.raises(DomainError, match="deltar ikke"):
        measure_post_status_update(acting_user=None, measure=world.shared, partner=stranger, reported_on=TODAY,
                                   phase="in_progress", traffic_light="green")
    with pytest.raises(DomainError, match="ikke begge"):
        measure_post_status_update(acting_user=None, measure=world.shared, partner=partner,
                                   municipality=world.kafjord, reported_on=TODAY, phase="in_progress",
                                   traffic_light="green")
    assert not StatusUpdate.objects.filter(measure=world.shared).exists()


def test_a_partner_part_does_not_count_as_the_overall_update_in_mine_tiltak(world):
    partner, user = make_partner_user(world)
    measure_post_status_update(acting_user=user, measure=world.shared, partner=partner, reported_on=TODAY,
                               phase="in_progress", traffic_light="green")
    row = selectors.my_measures(fresh(user)).get(pk=world.shared.pk)
    assert row.last_overall_on is None


# ---------------------------------------------------------------- the view

def test_the_partner_reports_its_part_in_the_browserless_flow(world):
    partner, user = make_partner_user(world)
    client = client_for(user)
    url = reverse("measure_partner_status", args=[world.shared.pk, partner.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Rapporter delen til UNN HF" in page.content.decode()

    refused = client.post(url, status_data(traffic_light="amber", status_text="Vi er forsinket"))
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "Vi er forsinket" in body  # what was typed stays
    assert "errorlist" in body
    assert not StatusUpdate.objects.filter(partner=partner).exists()

    saved = client.post(url, status_data(traffic_light="amber", light_reason="Mangler lege"))
    assert saved.status_code == 302
    update = StatusUpdate.objects.get(partner=partner)
    assert (update.traffic_light, update.author, update.on_behalf) == ("amber", user, False)
    detail = client.get(reverse("measure_detail", args=[world.shared.pk])).content.decode()
    assert "Delen til UNN HF er lagret." in detail
    assert "Mangler lege" in detail and "Kommunenes og partnernes deler" in detail


def test_the_secretariat_reports_a_partners_part_on_its_behalf(world):
    partner, _user = make_partner_user(world)
    client = client_for(world.secretariat)
    url = reverse("measure_partner_status", args=[world.shared.pk, partner.pk])
    assert client.post(url, status_data()).status_code == 302
    assert StatusUpdate.objects.get(partner=partner).on_behalf is True
    detail = client.get(reverse("measure_detail", args=[world.shared.pk])).content.decode()
    assert "Rapporter delen på vegne av UNN HF" in detail


def test_a_municipal_administrator_may_not_report_a_partners_part(world):
    partner, _user = make_partner_user(world)
    url = reverse("measure_partner_status", args=[world.shared.pk, partner.pk])
    assert client_for(world.admin_kafjord).post(url, status_data()).status_code == 403
    assert not StatusUpdate.objects.filter(partner=partner).exists()


def test_a_partner_user_may_not_report_another_partners_part(world):
    partner, user = make_partner_user(world)
    other, _other_user = make_partner_user(world, "Statsforvalteren", username="partner_sf")
    url = reverse("measure_partner_status", args=[world.shared.pk, other.pk])
    assert client_for(user).post(url, status_data()).status_code == 403


def test_an_unknown_partner_is_refused_like_any_partner_not_taking_part(world):
    _partner, user = make_partner_user(world)
    url = reverse("measure_partner_status", args=[world.shared.pk, 999999])
    assert client_for(world.secretariat).get(url).status_code == 403
    assert client_for(user).get(url).status_code == 403


# ---------------------------------------------------------------- what a partner user may reach

def _partner_access_rows(world, objects, partner):
    return [
        ("get", reverse("my_measures"), 200),
        ("get", reverse("measure_detail", args=[world.shared.pk]), 200),
        ("get", reverse("measure_partner_status", args=[world.shared.pk, partner.pk]), 200),
        ("post", reverse("measure_partner_status", args=[world.shared.pk, partner.pk]), 200),
        ("get", reverse("measure_part_status", args=[world.shared.pk, world.kafjord.pk]), 403),
        ("post", reverse("measure_part_status", args=[world.shared.pk, world.lyngen.pk]), 403),
        ("get", reverse("measure_status", args=[world.shared.pk]), 403),
        ("post", reverse("measure_status", args=[world.shared.pk]), 403),
        ("get", reverse("measure_edit", args=[world.shared.pk]), 403),
        ("get", reverse("measure_detail", args=[world.internal.pk]), 404),
        ("get", reverse("measure_partner_status", args=[world.internal.pk, partner.pk]), 404),
        ("get", reverse("measure_detail", args=[world.foreign_internal.pk]), 404),
        ("get", reverse("api_measure", args=[world.internal.pk]), 404),
        ("get", reverse("api_measure", args=[world.foreign_internal.pk]), 404),
        ("get", reverse("measure_detail", args=[world.foreign.pk]), 200),
        ("get", reverse("measure_partner_status", args=[world.foreign.pk, partner.pk]), 403),
        ("get", reverse("collaboration_measures", args=["nord-troms"]), 200),
        ("get", reverse("dashboard_overview", args=["nord-troms"]), 200),
        ("get", reverse("dashboard_strategy", args=["nord-troms", 1]), 200),
        ("get", reverse("measures_csv", args=["nord-troms"]), 200),
        ("get", reverse("api_measures", args=["nord-troms"]), 200),
        ("get", reverse("workspace", args=["nord-troms"]), 403),
        ("get", reverse("collaboration_roles", args=["nord-troms"]), 403),
        ("post", reverse("collaboration_roles", args=["nord-troms"]), 403),
        ("get", reverse("person_invite", args=["nord-troms"]), 403),
        ("get", reverse("audit_trail", args=["nord-troms"]), 403),
        ("get", reverse("round_list", args=["nord-troms"]), 403),
        ("get", reverse("import_upload", args=["nord-troms"]), 403),
        ("get", reverse("person_detail", args=[world.secretariat.pk]), 404),
        ("get", reverse("document_download", args=[objects["ros"].pk]), 404),
    ]


def test_what_a_partner_user_may_reach_and_that_nothing_internal_leaks(db):
    from django.core.files.base import ContentFile

    from collaborations.portfolio.models import Document

    world, objects = make_matrix_world()
    partner, user = world.partner, world.partner_user  # the matrix world has UNN HF and its user
    foreign = Measure.objects.get(pk=world.foreign.pk)
    measure_update(acting_user=None, measure=foreign, expected_version=foreign.version, reason="Testdata",
                   partner_ids=[partner.pk])
    objects["ros"] = Document.objects.create(measure=world.internal, title="Helhetlig ROS-analyse (dokument)",
                                             visibility="internal", file=ContentFile(b"x", name="ros.pdf"))
    client = client_for(user)
    for method, url, expected in _partner_access_rows(world, objects, partner):
        response = getattr(client, method)(url)
        assert response.status_code == expected, f"{method.upper()} {url}: {response.status_code}"
        if not response.streaming:
            body = response.content.decode("utf-8", errors="replace")
            for title in INTERNAL_TITLES:
                assert title not in body, f"{title!r} leaked in {url}"


def test_revoking_and_an_ordinary_user_get_no_partner_rights(world):
    _partner, user = make_partner_user(world)
    plain = make_user("vanlig")
    assert policy.reportable_partner_ids(fresh(plain), world.shared) == set()
    assert policy.represented_partner_ids(fresh(user), world.other_collaboration) == set()
