"""Joint council cases: one proposal to every member council, each council's
own case number, date and outcome, and what the case's page, the agreement's
page and the annual council report say about where it stands."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from collaborations.common.errors import DomainError
from collaborations.economy.models import HostAgreement
from collaborations.meetings.adoption import adoption_of
from collaborations.meetings.models import CouncilCase, CouncilDecision
from collaborations.meetings.services import council_case_save, council_decision_save
from collaborations.registry.models import Municipality
from reporting.content import build_content
from tests.factories import client_for, make_municipality

D = dt.date
O = CouncilDecision.Outcome


@pytest.fixture
def four(world):
    """Kåfjord and Lyngen (members of the world's Nord-Troms) and two more members."""
    from collaborations.registry.models import Membership

    tana = make_municipality("Tana", "5628")
    nesseby = make_municipality("Nesseby", "5636")
    for m in (tana, nesseby):
        Membership.objects.create(collaboration=world.collaboration, municipality=m, joined_on=D(2020, 1, 1))
    return [world.kafjord, world.lyngen, nesseby, tana]


def save_case(world, councils, **fields):
    fields.setdefault("title", "Samarbeidsavtale om tjenesteproduksjon")
    fields.setdefault("proposed_decision", "Kommunestyret vedtar samarbeidsavtalen.")
    fields.setdefault("subject", CouncilCase.Subject.COLLABORATION_AGREEMENT)
    fields.setdefault("sent_on", D(2019, 5, 6))
    return council_case_save(acting_user=world.secretariat, reason="Sendt kommunene", councils=councils,
                             council_case=CouncilCase(collaboration=world.collaboration, **fields))


def decide(world, council_case, municipality, outcome=O.ADOPTED, on=D(2019, 6, 13), **extra):
    decision = council_case.decisions.get(municipality=municipality)
    decision.outcome, decision.decided_on = outcome, on
    for k, v in extra.items():
        setattr(decision, k, v)
    return council_decision_save(acting_user=world.secretariat, reason="Vedtak i kommunestyret", decision=decision)


def test_the_case_says_who_is_missing_until_every_council_has_adopted(world, four):
    council_case = save_case(world, four)
    assert council_case.decisions.count() == 4 and set(council_case.decisions.values_list("outcome", flat=True)) == {
        O.PENDING}
    for m, day in zip(four[:3], (D(2019, 6, 13), D(2019, 6, 18), D(2019, 6, 19))):
        decide(world, council_case, m, on=day)
    adoption = adoption_of(council_case)
    assert not adoption.in_force
    assert adoption.status() == "Trer i kraft når alle fire kommunestyrer har vedtatt; 3 av 4 har vedtatt (Tana mangler)."
    decide(world, council_case, four[3], O.AMENDED, D(2019, 6, 20), amendments="Egen sak om kostnadsfordelingen.")
    adoption = adoption_of(council_case)
    assert adoption.in_force and adoption.in_force_from == D(2019, 6, 20)
    assert adoption.status() == "I kraft fra 20.06.2019: 4 av 4 har vedtatt."


def test_a_majority_rule_takes_effect_at_the_deciding_council_and_a_no_can_block(world, four):
    council_case = save_case(world, four, rule=CouncilCase.Rule.MAJORITY, subject=CouncilCase.Subject.BUDGET)
    decide(world, council_case, four[0], on=D(2019, 6, 1))
    decide(world, council_case, four[1], O.REJECTED, D(2019, 6, 2))
    assert adoption_of(council_case).status() == (
        "Trer i kraft når et flertall av kommunestyrene (3 av 4) har vedtatt; 1 av 4 har vedtatt "
        "(Nesseby og Tana mangler).")
    decide(world, council_case, four[2], on=D(2019, 6, 5))
    decide(world, council_case, four[3], on=D(2019, 6, 3))
    assert adoption_of(council_case).in_force_from == D(2019, 6, 5)
    everyone = save_case(world, four, title="Opptak av Loppa", subject=CouncilCase.Subject.ADMISSION,
                         new_member=world.outsider)
    decide(world, everyone, four[3], O.REJECTED, D(2019, 6, 1))
    assert adoption_of(everyone).status() == (
        "Kan ikke tre i kraft slik den er foreslått: Tana har ikke vedtatt forslaget (0 av 4 har vedtatt).")


def test_a_decision_needs_its_date_its_changes_and_not_before_the_case_was_sent(world, four):
    council_case = save_case(world, four)
    decision = council_case.decisions.get(municipality=four[0])
    decision.outcome = O.AMENDED
    with pytest.raises(DomainError) as refused:
        council_decision_save(acting_user=world.secretariat, reason="x", decision=decision)
    assert refused.value.message_dict == {"decided_on": ["Skriv datoen for møtet i kommunestyret."],
                                          "amendments": ["Skriv hva kommunestyret endret i forslaget."]}
    decision.decided_on, decision.amendments = D(2019, 1, 1), "Endret"
    with pytest.raises(DomainError, match="Kan ikke være før saken ble sendt kommunene \\(06.05.2019\\)"):
        council_decision_save(acting_user=world.secretariat, reason="x", decision=decision)
    assert CouncilDecision.objects.get(pk=decision.pk).outcome == O.PENDING


def test_a_council_that_has_decided_stays_on_the_case(world, four):
    council_case = save_case(world, four)
    decide(world, council_case, four[3])
    with pytest.raises(DomainError, match="Tana har allerede behandlet saken"):
        council_case_save(acting_user=world.secretariat, reason="Feil", council_case=council_case, councils=four[:3])
    council_case_save(acting_user=world.secretariat, reason="Nesseby er ikke med", council_case=council_case,
                      councils=[four[0], four[1], four[3]])
    assert set(council_case.decisions.values_list("municipality__name", flat=True)) == {"Kåfjord", "Lyngen", "Tana"}


def test_a_case_about_another_collaborations_agreement_is_refused(world, four):
    foreign = HostAgreement.objects.create(collaboration=world.other_collaboration, service="Barnevern",
                                           host=world.outsider)
    with pytest.raises(DomainError) as refused:
        save_case(world, four, subject=CouncilCase.Subject.HOST_AGREEMENT, agreement=foreign)
    assert refused.value.message_dict["agreement"] == ["Avtalen hører ikke til dette samarbeidet."]
    with pytest.raises(DomainError) as refused:
        save_case(world, four, subject=CouncilCase.Subject.HOST_AGREEMENT)
    assert refused.value.message_dict["agreement"] == ["Velg vertskommuneavtalen saken gjelder."]
    assert not CouncilCase.objects.exists()


# ---------------------------------------------------------------- pages

def test_the_public_reads_where_the_case_stands_member_by_member(world, four):
    council_case = save_case(world, four)
    decide(world, council_case, four[0], case_number="PS 21/2019")
    page = client_for(None).get(reverse("council_case_detail", args=[world.collaboration.slug, council_case.pk]))
    text = page.content.decode()
    assert "1 av 4 har vedtatt (Lyngen, Nesseby og Tana mangler)" in text
    assert "PS 21/2019" in text and "13.06.2019" in text and "Vedtatt som foreslått" in text
    assert "Registrer behandling" not in text
    internal = save_case(world, four, title="Intern budsjettsak", visibility="internal")
    listing = client_for(None).get(reverse("council_case_list", args=[world.collaboration.slug])).content.decode()
    assert "Samarbeidsavtale om tjenesteproduksjon" in listing and "Intern budsjettsak" not in listing
    assert client_for(None).get(reverse("council_case_detail", args=[world.collaboration.slug,
                                                                     internal.pk])).status_code == 404


def test_the_secretariat_sends_a_case_to_every_member_and_records_a_decision(world, four):
    client = client_for(world.secretariat)
    form = client.get(reverse("council_case_create", args=[world.collaboration.slug])).content.decode()
    assert form.count('name="councils" value=') == 4 and form.count("checked") >= 4  # every member by default
    response = client.post(reverse("council_case_create", args=[world.collaboration.slug]), {
        "title": "Felles IT-strategi", "subject": "other", "proposed_decision": "Kommunestyret vedtar strategien.",
        "rule": "all", "sent_on": "2026-01-10", "visibility": "published",
        "councils": [m.pk for m in four], "reason": "Vedtatt i regionrådet"})
    council_case = CouncilCase.objects.get(title="Felles IT-strategi")
    assert response.status_code == 302 and council_case.decisions.count() == 4
    decision = council_case.decisions.get(municipality=four[3])
    url = reverse("council_decision_edit", args=[world.collaboration.slug, council_case.pk, decision.pk])
    refused = client.post(url, {"outcome": "amended", "decided_on": "2026-02-01", "reason": "Protokoll"})
    assert refused.status_code == 200 and "Skriv hva kommunestyret endret i forslaget." in refused.content.decode()
    client.post(url, {"outcome": "adopted", "case_number": "PS 4/2026", "decided_on": "2026-02-01",
                      "reason": "Protokoll fra kommunestyret"})
    decision.refresh_from_db()
    assert (decision.outcome, decision.case_number, decision.decided_on) == ("adopted", "PS 4/2026", D(2026, 2, 1))
    assert decision.history.latest().history_change_reason == "Protokoll fra kommunestyret"


def test_the_case_form_refuses_no_councils_and_no_proposal_on_their_fields(world, four):
    response = client_for(world.secretariat).post(reverse("council_case_create", args=[world.collaboration.slug]), {
        "title": "Uten forslag", "subject": "other", "rule": "all", "visibility": "published", "reason": "x"})
    text = response.content.decode()
    assert response.status_code == 200 and not CouncilCase.objects.exists()
    assert "Velg minst ett kommunestyre." in text and "Skriv forslaget til vedtak." in text


def test_the_agreements_page_says_whether_it_is_in_force(world, four):
    agreement = HostAgreement.objects.create(collaboration=world.collaboration, service="IT-drift", host=four[0])
    council_case = save_case(world, four, subject=CouncilCase.Subject.HOST_AGREEMENT, agreement=agreement,
                             title="Vertskommuneavtale om IT-drift")
    for m in four[:3]:
        decide(world, council_case, m)
    page = client_for(None).get(reverse("agreement_detail", args=[world.collaboration.slug, agreement.pk]))
    assert "Behandling i kommunestyrene" in page.content.decode()
    assert "3 av 4 har vedtatt (Tana mangler)" in page.content.decode()


def test_the_council_report_lists_what_that_council_must_still_decide(world, four):
    council_case = save_case(world, four, proposed_decision="Kommunestyret vedtar samarbeidsavtalen for Tana.")
    decide(world, council_case, four[0], on=D(2019, 6, 13))
    decide(world, council_case, four[3], on=D(2020, 2, 1))  # after the 2019 cut-off
    tana = Municipality.objects.get(name="Tana")
    content = build_content(collaboration=world.collaboration, report_type="council", year=2019,
                            cutoff=D(2019, 12, 31), municipality=tana)
    (pending,) = [d for d in content.decisions if d.title == council_case.title]
    assert (pending.kind, pending.who) == ("Felles sak som venter på vedtak i kommunestyret", "Tana kommunestyre")
    assert pending.what == "Kommunestyret vedtar samarbeidsavtalen for Tana."
    kafjord = build_content(collaboration=world.collaboration, report_type="council", year=2019,
                            cutoff=D(2019, 12, 31), municipality=four[0])
    assert council_case.title not in [d.title for d in kafjord.decisions]
    after = build_content(collaboration=world.collaboration, report_type="council", year=2020,
                          cutoff=D(2020, 12, 31), municipality=tana)
    assert council_case.title not in [d.title for d in after.decisions]


def test_the_collaboration_page_and_the_member_list_say_where_the_agreement_and_admissions_stand(world, four):
    agreement_case = save_case(world, four)
    for m in four:
        decide(world, agreement_case, m)
    admission = save_case(world, four, title="Opptak av Loppa", subject=CouncilCase.Subject.ADMISSION,
                          new_member=world.outsider, sent_on=D(2026, 1, 5))
    decide(world, admission, four[0], on=D(2026, 2, 1))
    page = client_for(None).get(reverse("collaboration_detail", args=[world.collaboration.slug])).content.decode()
    assert "Samarbeidsavtale om tjenesteproduksjon" in page and "I kraft fra 13.06.2019: 4 av 4 har vedtatt." in page
    assert "Opptak av Loppa" not in page
    members = client_for(None).get(reverse("member_list", args=[world.collaboration.slug])).content.decode()
    assert "Opptak av Loppa" in members and "1 av 4 har vedtatt (Lyngen, Nesseby og Tana mangler)" in members


def test_the_secretariat_attaches_a_document_that_is_as_visible_as_its_case(world, four, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    council_case = save_case(world, four)
    client = client_for(world.secretariat)
    url = reverse("council_case_attachment_add", args=[world.collaboration.slug, council_case.pk])
    refused = client.post(url, {"title": "Avtalen", "reason": "Vedlegg",
                                "file": SimpleUploadedFile("avtale.exe", b"MZ", "application/octet-stream")})
    assert refused.status_code == 200 and not council_case.attachments.exists()
    assert "Filtypen er ikke tillatt. Tillatte typer: pdf" in refused.content.decode()
    response = client.post(url, {"title": "Samarbeidsavtalen", "reason": "Til kommunestyrene", "file":
                                 SimpleUploadedFile("avtale.pdf", b"%PDF-1.4\n% avtale\n%%EOF\n", "application/pdf")})
    attachment = council_case.attachments.get()
    assert response.status_code == 302 and attachment.title == "Samarbeidsavtalen"
    download = reverse("council_case_attachment", args=[world.collaboration.slug, council_case.pk, attachment.pk])
    assert "Samarbeidsavtalen" in client_for(None).get(
        reverse("council_case_detail", args=[world.collaboration.slug, council_case.pk])).content.decode()
    public = client_for(None).get(download)
    assert public.status_code == 200 and b"".join(public.streaming_content).startswith(b"%PDF")
    CouncilCase.objects.filter(pk=council_case.pk).update(visibility="internal")
    assert client_for(None).get(download).status_code == 404
    assert client_for(world.admin_kafjord).get(download).status_code == 200
    assert client_for(None).get(reverse("council_case_attachment", args=[
        "vestre-varanger", council_case.pk, attachment.pk])).status_code == 404
