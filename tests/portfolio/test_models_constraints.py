"""Every database constraint of the domain: full_clean gives its Norwegian
message, and the database itself refuses the row (IntegrityError) when
full_clean is bypassed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from collaborations.access.models import RoleAssignment
from collaborations.economy.models import CostKey, HostAgreement, HostAgreementParticipant
from collaborations.meetings.models import (
    CouncilCase,
    CouncilDecision,
    FollowUp,
    FollowUpReminder,
    Meeting,
    MeetingCase,
    Subproject,
)
from collaborations.portfolio.models import Measure, Participation, PlanPeriod, StatusUpdate, Strategy
from collaborations.registry.models import (
    Body,
    BodyMember,
    County,
    Membership,
    Municipality,
    Network,
    OutsidePartner,
    Person,
    PopulationFigure,
)
from collaborations.rounds.models import ReportingRound, RoundReminder

D = dt.date


def twice(obj_factory):
    """Save one row and return an unsaved duplicate of it."""
    obj_factory().save()
    return obj_factory()


def round_(w, **kw):
    return ReportingRound(collaboration=w.collaboration, title="Vår 2024", starts_on=D(2024, 3, 1),
                          deadline=kw.pop("deadline", D(2024, 4, 1)), **kw)


def _reminder(w):
    r = round_(w)
    r.save()
    return lambda: RoundReminder(round=r, kind=RoundReminder._meta.get_field("kind").choices[0][0],
                                 email="a@example.no")


def _meeting(w):
    body = Body.objects.create(collaboration=w.collaboration, kind="chief_executives", name="KDU")
    return Meeting.objects.create(body=body, title="Møte", held_on=D(2024, 1, 1))


def _follow_up_reminder(w):
    case = MeetingCase.objects.create(meeting=_meeting(w), number=1, title="Sak")
    follow_up = FollowUp.objects.create(case=case, responsible="Per")
    return lambda: FollowUpReminder(follow_up=follow_up, kind="before", email="per@example.no")


def _council_decision(w):
    case = CouncilCase.objects.create(collaboration=w.collaboration, title="Sak", proposed_decision="Vedtak")
    return lambda: CouncilDecision(council_case=case, municipality=w.kafjord)


def _body_member(w):
    body = Body.objects.create(collaboration=w.collaboration, kind="chief_executives", name="KDU")
    person = Person.objects.create(name="Per")
    return lambda: BodyMember(body=body, person=person, role="leder")


def _host_participant(w):
    a = HostAgreement.objects.create(collaboration=w.collaboration, service="IT", host=w.kafjord)
    return lambda: HostAgreementParticipant(agreement=a, municipality=w.lyngen)


def _partner(w):
    return OutsidePartner.objects.get_or_create(name="UNN HF", defaults={"kind": "health_trust"})[0]


def _partner_role(w):
    partner = _partner(w)
    return lambda: RoleAssignment(user=w.stranger, role="partner", partner=partner)


def _role(user: str, role: str, message: str, **scope: str):
    """A case: the world's `user` given `role` for the world's objects named in `scope`."""
    return (lambda w: RoleAssignment(user=getattr(w, user), role=role, **{k: getattr(w, v) for k, v in scope.items()}),
            message)


_AGAIN = "Brukeren har allerede denne rollen for %s."

UNIQUE_DEFAULT = "finnes allerede"  # Django's own (Norwegian) message for a unique constraint without one

CASES = {
    "county_number_unique_per_period": (
        lambda w: twice(lambda: County(number="18", name="Nordland", valid_from=D(2020, 1, 1))), UNIQUE_DEFAULT),
    "county_number_unique_without_start": (
        lambda w: twice(lambda: County(number="18", name="Nordland")), "Et fylke med dette nummeret finnes allerede."),
    "municipality_number_unique_without_start": (
        lambda w: twice(lambda: Municipality(number="5421", name="Senja", county=w.kafjord.county)),
        "En kommune med dette nummeret finnes allerede."),
    "municipality_number_unique_per_period": (
        lambda w: twice(lambda: Municipality(number="5421", name="Senja", county=w.kafjord.county,
                                             valid_from=D(2020, 1, 1))), UNIQUE_DEFAULT),
    "municipality_validity_ordered": (
        lambda w: Municipality(number="1931", name="Lenvik", county=w.kafjord.county, valid_from=D(2020, 1, 1),
                               valid_to=D(2019, 1, 1)), "«Gyldig til» kan ikke være før «gyldig fra»."),
    "population_one_per_year": (
        lambda w: PopulationFigure(municipality=w.kafjord, year=2024, population=1, source="SSB"),
        "Kommunen har allerede et innbyggertall for dette året."),
    "population_year_sane": (
        lambda w: PopulationFigure(municipality=w.kafjord, year=1700, population=1, source="SSB"),
        "Året må være et gyldig årstall."),
    "membership_unique_per_period": (
        lambda w: Membership(collaboration=w.collaboration, municipality=w.kafjord, joined_on=D(2018, 1, 1)),
        UNIQUE_DEFAULT),
    "membership_dates_ordered": (
        lambda w: Membership(collaboration=w.collaboration, municipality=w.outsider, joined_on=D(2020, 1, 1),
                             left_on=D(2019, 1, 1)), "«Medlem til» kan ikke være før «medlem fra»."),
    "body_name_unique_in_collaboration": (
        lambda w: twice(lambda: Body(collaboration=w.collaboration, kind="chief_executives", name="KDU")),
        UNIQUE_DEFAULT),
    "council_has_municipality": (
        lambda w: Body(collaboration=w.collaboration, kind="municipal_council", name="Kommunestyret"),
        "Et kommunestyre eller formannskap må høre til en kommune."),
    "body_member_unique": (lambda w: twice(_body_member(w)), UNIQUE_DEFAULT),
    "cost_key_percent_range": (
        lambda w: CostKey(collaboration=w.collaboration, name="Feil", fixed_share_percent=Decimal(120),
                          population_share_percent=Decimal(-20), population_year=2024),
        "Andelene må ligge mellom 0 og 100 %."),
    "cost_key_sums_to_100": (
        lambda w: CostKey(collaboration=w.collaboration, name="Feil", fixed_share_percent=Decimal(20),
                          population_share_percent=Decimal(70), population_year=2024),
        "Fast andel og andel etter innbyggertall må til sammen bli 100 %."),
    "cost_key_name_unique": (
        lambda w: CostKey(collaboration=w.collaboration, name="Regionrådsnøkkel", fixed_share_percent=Decimal(50),
                          population_share_percent=Decimal(50), population_year=2024), UNIQUE_DEFAULT),
    "network_name_unique": (
        lambda w: Network(collaboration=w.collaboration, name="Fagnettverk arkivledere"), UNIQUE_DEFAULT),
    "host_agreement_positions_positive": (
        lambda w: HostAgreement(collaboration=w.collaboration, service="IT", host=w.kafjord, positions=Decimal(-1)),
        "Årsverk kan ikke være negativt."),
    "host_agreement_cost_positive": (
        lambda w: HostAgreement(collaboration=w.collaboration, service="IT", host=w.kafjord,
                                annual_cost=Decimal(-1)), "Årlig kostnad kan ikke være negativ."),
    "host_agreement_dates_ordered": (
        lambda w: HostAgreement(collaboration=w.collaboration, service="IT", host=w.kafjord,
                                starts_on=D(2024, 1, 1), ends_on=D(2023, 1, 1)),
        "«Gjelder til» kan ikke være før «gjelder fra»."),
    "host_participant_unique": (lambda w: twice(_host_participant(w)), UNIQUE_DEFAULT),
    "plan_years_ordered": (
        lambda w: PlanPeriod(collaboration=w.collaboration, title="Plan", start_year=2024, end_year=2020),
        "Planperioden kan ikke slutte før den begynner."),
    "plan_unique": (
        lambda w: PlanPeriod(collaboration=w.collaboration, title="Strategi- og handlingsplan", start_year=2019,
                             end_year=2023), UNIQUE_DEFAULT),
    "strategy_number_unique_in_plan": (
        lambda w: Strategy(plan=w.strategy.plan, number=1, title="Kopi"),
        "Planen har allerede en strategi med dette nummeret."),
    "measure_potential_1_10": (
        lambda w: Measure(collaboration=w.collaboration, title="X", potential=11), "Må være mellom 1 og 10."),
    "measure_feasibility_1_10": (
        lambda w: Measure(collaboration=w.collaboration, title="X", feasibility=0), "Må være mellom 1 og 10."),
    "measure_light_reason_required": (
        lambda w: Measure(collaboration=w.collaboration, title="X", traffic_light="red"),
        "Trafikklyset «Risiko» eller «Ikke i rute» må ha en begrunnelse."),
    "measure_dates_ordered": (
        lambda w: Measure(collaboration=w.collaboration, title="X", starts_on=D(2024, 1, 1), ends_on=D(2023, 1, 1)),
        "Sluttdato kan ikke være før startdato."),
    "measure_budget_positive": (
        lambda w: Measure(collaboration=w.collaboration, title="X", budget=Decimal(-1)),
        "Budsjettet kan ikke være negativt."),
    "participation_unique": (
        lambda w: Participation(measure=w.shared, municipality=w.kafjord), "Kommunen deltar allerede i tiltaket."),
    "status_update_light_reason_required": (
        lambda w: StatusUpdate(measure=w.shared, reported_on=D(2024, 1, 1), phase="study", traffic_light="amber"),
        "Trafikklyset «Risiko» eller «Ikke i rute» må ha en begrunnelse."),
    "status_update_due_after_report": (
        lambda w: StatusUpdate(measure=w.shared, reported_on=D(2024, 5, 1), phase="study", traffic_light="green",
                               follow_up_due=D(2024, 4, 1)),
        "Fristen for oppfølging kan ikke være før datoen oppdateringen gjelder."),
    "status_update_one_part": (
        lambda w: StatusUpdate(measure=w.shared, reported_on=D(2024, 1, 1), phase="study", traffic_light="green",
                               municipality=w.kafjord, partner=_partner(w)),
        "En statusoppdatering gjelder én kommunes eller én partners del, ikke begge."),
    "case_number_unique_in_meeting": (
        lambda w: twice(lambda m=_meeting(w): MeetingCase(meeting=m, number=1, title="Sak")),
        "Møtet har allerede en sak med dette nummeret."),
    "subproject_code_unique": (
        lambda w: twice(lambda: Subproject(collaboration=w.collaboration, kind="dp", code="9.1", name="DP")),
        UNIQUE_DEFAULT),
    # clean() names the missing field first; the constraint then is not asked again
    "role_has_its_scope": _role("stranger", "secretariat", "Velg samarbeidet sekretariatet gjelder.", municipality="kafjord"),
    "role_unique_per_municipality": _role("admin_kafjord", "municipal_admin", _AGAIN % "kommunen", municipality="kafjord"),
    "role_unique_per_collaboration": _role("secretariat", "secretariat", _AGAIN % "samarbeidet", collaboration="collaboration"),
    "role_unique_per_partner": (lambda w: twice(_partner_role(w)), _AGAIN % "partneren"),
    "role_unique_per_network": _role("coordinator", "network_coordinator", _AGAIN % "nettverket", network="network"),
    "round_deadline_after_start": (
        lambda w: round_(w, deadline=D(2024, 2, 1)), "Fristen kan ikke være før startdatoen."),
    "round_title_unique": (
        lambda w: twice(lambda: round_(w)), "Samarbeidet har allerede en runde med denne tittelen."),
    "round_reminder_once": (lambda w: twice(_reminder(w)), UNIQUE_DEFAULT),
    "follow_up_reminder_once": (lambda w: twice(_follow_up_reminder(w)), UNIQUE_DEFAULT),
    "council_decision_once": (lambda w: twice(_council_decision(w)), "Kommunen har allerede denne saken."),
}


def test_it_has_a_case_for_every_constraint():
    names = {c.name for m in apps.get_app_config("collaborations").get_models() for c in m._meta.constraints}
    assert names == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_it_explains_the_constraint_in_full_clean(world, name):
    build, message = CASES[name]
    obj = build(world)
    with pytest.raises(ValidationError) as exc:
        obj.full_clean()
    assert any(message in m for m in exc.value.messages), exc.value.messages


@pytest.mark.parametrize("name", sorted(CASES))
def test_it_is_enforced_by_the_database(world, name):
    build, _message = CASES[name]
    obj = build(world)
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            obj.save()


def test_it_refuses_two_undated_municipalities_with_one_number(world):
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            Municipality.objects.create(number="5426", name="Kopi", county=world.kafjord.county)
