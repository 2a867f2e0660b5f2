"""What a report says, rebuilt from history as it stood on the cut-off date.

Everything here reads; nothing writes. The builder uses the domain's one
"as of" (collaborations.portfolio.history and economy.history: measures,
participants, strategies, agreements and cost keys as they stood at the end
of the cut-off day), the year's narrative, what each member pays in the
report year (collaborations.economy.payments, the same function the
dashboards use), decisions ahead, and the changes since the previous report.

What has no history is read as it is now and the report says so
(`ReportContent.notes`): the collaboration's description and names of people.
Population figures are per year and do not change once registered.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from collaborations.common.dates import end_of, is_active_on, norwegian_date, years_after
from collaborations.common.history import field_changes, latest_as_of
from collaborations.economy.allocation import format_nok, nok_to_ore
from collaborations.economy.history import agreements_as_of, cost_keys_as_of
from collaborations.economy.models import HostAgreement
from collaborations.economy.payments import agreement_payable, distribute, measure_payable
from collaborations.economy.selectors import memberships_by_municipality
from collaborations.meetings.selectors import council_cases_awaiting
from collaborations.portfolio.history import (
    MeasureAsOf,
    entry_for_update,
    portfolio_as_of,
    status_updates_as_of,
    strategies_as_of,
)
from collaborations.portfolio.models import CLOSED_PHASES, Measure, OrganisationKind, Phase, TrafficLight
from collaborations.registry.models import Body, BodyMember, Collaboration, Municipality, Network, Person
from collaborations.registry.selectors import members_on

from .models import ReportJob, ReportType

# Fields compared for "changes since the last report", in the order shown.
DIFF_FIELDS = ("title", "phase", "traffic_light", "light_reason", "status_text", "follow_up_text",
               "follow_up_responsible", "follow_up_due", "visibility")
LONG_TEXT_FIELDS = {"light_reason", "status_text", "follow_up_text"}


def period_start(report_type: str, year: int, cutoff: dt.date) -> dt.date:
    """Annual reports cover the year; the half-year report the half year that ends at the cut-off."""
    if report_type == ReportType.HALFYEAR and cutoff.year == year and cutoff.month > 6:
        return dt.date(year, 7, 1)
    return dt.date(year, 1, 1)


def default_cutoff(report_type: str, year: int, today: dt.date | None = None) -> dt.date:
    """The end of the year (30 June for the half-year report), or today for a
    period that has not ended yet."""
    end = dt.date(year, 6, 30) if report_type == ReportType.HALFYEAR else dt.date(year, 12, 31)
    return min(end, today or timezone.localdate())


# ---------------------------------------------------------------- the content

@dataclass
class NarrativeEntry:
    """One status update as the report prints it: the overall status or a
    municipality's (or an outside partner's) own part, with its reason and its
    follow-up. Built from the timeline's one representation of a status update
    (portfolio.history.entry_for_update), so the report says what the measure
    page and the API say; like the report's other content it names no author."""

    reported_on: dt.date
    who: str                 # "Samlet status", or whose part: the municipality's or the partner's name
    light: str
    light_label: str
    text: str
    follow_up: str
    light_reason: str = ""
    follow_up_responsible: str = ""
    follow_up_due: dt.date | None = None
    is_part: bool = False

    @classmethod
    def of(cls, u) -> NarrativeEntry:
        entry = entry_for_update(u)
        s = entry.status
        is_part = entry.kind == "part"
        return cls(reported_on=s.reported_on, who=entry.municipality if is_part else _("Samlet status"),
                   light=s.light, light_label=s.light_label, text=s.status_text, follow_up=s.follow_up_text,
                   light_reason=s.light_reason, follow_up_responsible=s.follow_up_responsible,
                   follow_up_due=s.follow_up_due, is_part=is_part)


@dataclass
class MeasureRow:
    id: int
    number: str
    title: str
    strategy_id: int | None
    phase: str
    phase_label: str
    light: str
    light_label: str
    light_reason: str
    status_text: str
    follow_up_text: str
    follow_up_responsible: str
    follow_up_due: dt.date | None
    participants: list[str]
    organisation: str
    responsible: str
    budget: str
    is_internal: bool
    narrative: list[NarrativeEntry] = field(default_factory=list)
    last_before: NarrativeEntry | None = None   # the newest overall update before the period, if none in it
    follow_up_overdue: bool = False             # its follow-up deadline had passed at the cut-off
    is_open: bool = True                        # not completed or stopped
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    is_new: bool = False

    @property
    def anchor(self) -> str:
        return f"tiltak-{self.id}"


@dataclass
class StrategyGroup:
    number: int | None
    title: str
    goal: str
    measures: list[MeasureRow]

    @property
    def heading(self) -> str:
        return _("Strategi %(n)s: %(t)s") % {"n": self.number, "t": self.title} if self.number else self.title

    @property
    def light_counts(self) -> dict[str, int]:
        c = Counter(m.light for m in self.measures)
        return {light: c.get(light, 0) for light in TrafficLight.values}


@dataclass
class AgreementRow:
    service: str
    host: str
    legal_basis: str
    positions: Decimal
    participants: list[str]
    annual_cost: str


@dataclass
class PaymentRow:
    title: str
    kind: str            # "Vertskommuneavtale" / "Tiltak"
    total: str
    key_name: str
    key_label: str
    population_year: int
    share: str           # formatted, or "" when it cannot be computed
    share_ore: int | None
    error: str = ""


@dataclass
class MunicipalityTotal:
    name: str
    official_names: str
    measures: int
    hosted: int
    positions: Decimal
    payments_ore: int

    @property
    def payments(self) -> str:
        return format_nok(self.payments_ore)


@dataclass
class Decision:
    """Something a council must decide or follow up."""

    title: str
    kind: str            # why it is listed
    what: str
    who: str
    due: dt.date | None
    overdue: bool = False


@dataclass
class BodyRow:
    name: str
    kind: str
    members: list[str]


@dataclass
class ReportContent:
    collaboration_name: str
    collaboration_kind: str
    collaboration_description: str
    report_type: str
    report_type_label: str
    recipient: str                  # "Kåfjord kommunestyre" / "Nord-Troms regionråd"
    municipality_names: str         # official names of the recipient municipality ("" for regional)
    municipality_name: str          # its name ("Kåfjord"; "" for regional)
    year: int
    cutoff: dt.date
    period_start: dt.date
    baseline: dt.date               # changes are counted from here
    include_internal: bool
    members: list[str]
    bodies: list[BodyRow]
    strategies: list[StrategyGroup]
    hosted: list[AgreementRow]
    bought: list[AgreementRow]
    payments: list[PaymentRow]
    payments_total: str
    municipality_totals: list[MunicipalityTotal]
    decisions: list[Decision]
    appendix: list[MeasureRow]
    notes: list[str]

    @property
    def measures(self) -> list[MeasureRow]:
        return [m for s in self.strategies for m in s.measures]

    @property
    def is_council(self) -> bool:
        return bool(self.municipality_names)

    @property
    def light_totals(self) -> dict[str, int]:
        c = Counter(m.light for m in self.measures)
        return {light: c.get(light, 0) for light in TrafficLight.values}

    @property
    def next_year(self) -> str:
        return str(self.year + 1)

    @property
    def title(self) -> str:
        return _("%(type)s %(year)s – %(collaboration)s") % {
            "type": self.report_type_label, "year": self.year, "collaboration": self.collaboration_name}


# ---------------------------------------------------------------- the previous report

def previous_report_cutoff(*, collaboration_id: int, report_type: str, municipality_id: int | None,
                           cutoff: dt.date, include_internal: bool) -> dt.date:
    """The cut-off of the last finished report of the same kind to the same
    recipient before this one; without one, the end of the previous period."""
    previous = ReportJob.objects.filter(
        collaboration_id=collaboration_id, report_type=report_type, municipality_id=municipality_id,
        include_internal=include_internal, status=ReportJob.Status.DONE, cutoff__lt=cutoff,
    ).order_by("-cutoff").values_list("cutoff", flat=True).first()
    if previous:
        return previous
    if report_type == ReportType.HALFYEAR:
        return dt.date(cutoff.year, 6, 30) if cutoff.month > 6 else dt.date(cutoff.year - 1, 12, 31)
    return years_after(cutoff, -1)


# ---------------------------------------------------------------- the builder

def build_content(*, collaboration: Collaboration, report_type: str, year: int, cutoff: dt.date,
                  municipality: Municipality | None = None, include_internal: bool = False,
                  baseline: dt.date | None = None) -> ReportContent:
    """Everything a report shows, as it stood at the end of `cutoff`."""
    moment = end_of(cutoff)
    start = period_start(report_type, year, cutoff)
    if baseline is None:
        baseline = previous_report_cutoff(collaboration_id=collaboration.pk, report_type=report_type,
                                          municipality_id=municipality.pk if municipality else None,
                                          cutoff=cutoff, include_internal=include_internal)
    portfolio = portfolio_as_of(collaboration, moment, include_internal=include_internal)
    before = {m.measure_id: m for m in portfolio_as_of(collaboration, end_of(baseline),
                                                        include_internal=include_internal)}
    agreements = agreements_as_of(collaboration, moment, include_internal=include_internal)
    day = cutoff
    current_participants = {a.id: [p.municipality_id for p in ps if p.left_on is None or p.left_on > day]
                            for a, ps in agreements}
    member_list = members_on(collaboration, cutoff)

    # Names of everything the records point at, each in one query.
    municipality_ids = {mid for m in portfolio for mid in m.participant_ids}
    municipality_ids |= {m.pk for m in member_list}
    municipality_ids |= {a.host_id for a, _p in agreements} | {p.municipality_id for _a, ps in agreements for p in ps}
    municipality_ids |= {m.record.host_municipality_id for m in portfolio if m.record.host_municipality_id}
    municipalities = Municipality.objects.in_bulk(municipality_ids)
    people = Person.objects.in_bulk({m.record.responsible_id for m in portfolio if m.record.responsible_id})
    networks = Network.objects.in_bulk({m.record.network_id for m in portfolio if m.record.network_id})
    if not include_internal:  # a report for the public never names an internal network
        networks = {pk: n for pk, n in networks.items() if n.visibility == "published"}
    cost_key_ids = {m.record.cost_key_id for m in portfolio if m.record.cost_key_id}
    cost_key_ids |= {a.cost_key_id for a, _p in agreements if a.cost_key_id}
    cost_keys = cost_keys_as_of(cost_key_ids, moment)

    def name(mid: int) -> str:
        m = municipalities.get(mid)
        return m.name if m else _("(ukjent kommune)")

    # The measures in scope: a council report covers what its municipality takes part in.
    in_scope = [m for m in portfolio if municipality is None or municipality.pk in m.participant_ids]
    # What was registered while a measure was internal stays out of a report that leaves out internal items.
    updates = status_updates_as_of([m.measure_id for m in in_scope], moment, include_internal=include_internal)
    rows = {m.measure_id: _measure_row(m, before.get(m.measure_id), updates.get(m.measure_id, []),
                                       start=start, cutoff=cutoff, municipality=municipality, name=name,
                                       people=people, networks=networks, municipalities=municipalities)
            for m in portfolio}
    strategies = _strategy_groups(in_scope, rows, moment)

    agreement_rows = [(a, current_participants[a.id], _agreement_row(a, current_participants[a.id], name))
                      for a, _ps in agreements]
    hosted = [row for a, _ps, row in agreement_rows if municipality and a.host_id == municipality.pk]
    bought = [row for a, ps, row in agreement_rows
              if municipality and a.host_id != municipality.pk and municipality.pk in ps]

    # What each member pays in the report year: the dashboards' own function.
    payables = [agreement_payable(a, ps) for a, ps in agreements]
    payables += [measure_payable(m.record, m.participations) for m in portfolio]
    distribution = distribute(payables, year=year, cost_keys=cost_keys,
                              memberships=memberships_by_municipality(collaboration),
                              municipality_numbers={pk: (m.number, m.name) for pk, m in municipalities.items()})
    payments: list[PaymentRow] = []
    if municipality is not None:
        payments = [PaymentRow(title=line.title, kind=line.kind_label, total=format_nok(nok_to_ore(line.total_nok)),
                               key_name=line.key_name, key_label=line.key_label,
                               population_year=line.population_year,
                               share="" if line.share_ore is None else format_nok(line.share_ore),
                               share_ore=line.share_ore, error=line.error)
                    for line in distribution.lines_for(municipality.pk)]
    totals = []
    if municipality is None:
        totals = _municipality_totals(member_list, portfolio, agreements, distribution)

    awaiting = [(a.service, _("%(name)s kommunestyre") % {"name": name(p.municipality_id)}, name(a.host_id))
                for a, ps in agreements for p in ps
                if p.adopted_on is None and p.municipality_id != a.host_id and (p.left_on is None or p.left_on > day)
                and (municipality is None or p.municipality_id == municipality.pk)]
    councils_awaiting = council_cases_awaiting(collaboration, cutoff, municipality=municipality,
                                               include_internal=include_internal)
    decisions = _decisions([rows[m.measure_id] for m in in_scope], cutoff, awaiting, councils_awaiting)
    appendix = sorted(rows.values(), key=lambda r: (_number_key(r.number), r.title))
    notes = [
        _("Innholdet er bygd opp fra historikken slik porteføljen sto ved utgangen av %(date)s. "
          "Samarbeidets beskrivelse og navn på personer er gjengitt slik de er registrert nå.")
        % {"date": norwegian_date(cutoff)},
    ]
    if any(getattr(a, "without_history", False) for a, _p in agreements):
        notes.append(_("Noen vertskommuneavtaler er registrert uten historikk og er gjengitt slik de er nå."))
    if not include_internal:
        notes.append(_("Rapporten er offentlig og inneholder bare publiserte tiltak og avtaler."))
    else:
        notes.append(_("Intern rapport: inneholder også interne tiltak og avtaler. Skal ikke publiseres."))

    recipient = _recipient(collaboration, report_type, municipality)
    return ReportContent(
        collaboration_name=collaboration.name, collaboration_kind=collaboration.get_kind_display(),
        collaboration_description=collaboration.description, report_type=report_type,
        report_type_label=str(ReportType(report_type).label), recipient=recipient,
        municipality_names=municipality.official_names if municipality else "",
        municipality_name=municipality.name if municipality else "", year=year, cutoff=cutoff,
        period_start=start, baseline=baseline, include_internal=include_internal,
        members=[m.official_names for m in member_list], bodies=_bodies(collaboration, moment),
        strategies=strategies, hosted=hosted, bought=bought, payments=payments,
        payments_total=format_nok(sum(p.share_ore or 0 for p in payments)), municipality_totals=totals,
        decisions=decisions, appendix=appendix, notes=notes,
    )


def _recipient(collaboration: Collaboration, report_type: str, municipality: Municipality | None) -> str:
    if municipality is not None:
        return _("%(name)s kommunestyre") % {"name": municipality.name}
    council = collaboration.bodies.filter(kind=Body.Kind.REGIONAL_COUNCIL).values_list("name", flat=True).first()
    if report_type == ReportType.HALFYEAR:
        chief = collaboration.bodies.filter(kind=Body.Kind.CHIEF_EXECUTIVES).values_list("name", flat=True).first()
        return chief or council or collaboration.name
    return council or _("Regionrådet i %(name)s") % {"name": collaboration.name}


def _number_key(number: str) -> tuple:
    parts = []
    for p in (number or "").replace(",", ".").split("."):
        parts.append((0, int(p), "") if p.isdigit() else (1, 0, p))
    return tuple(parts) or ((2, 0, ""),)


def _measure_row(m: MeasureAsOf, old: MeasureAsOf | None, updates, *, start, cutoff, municipality, name,
                 people, networks, municipalities) -> MeasureRow:
    r = m.record
    organisation = r.organisation or ""
    if r.network_id and r.network_id in networks:
        organisation = organisation or _("Fagnettverk: %(n)s") % {"n": networks[r.network_id].name}
    if r.host_municipality_id:
        organisation = organisation or _("Vertskommune: %(n)s") % {"n": name(r.host_municipality_id)}
    if not organisation and r.organisation_kind:
        organisation = str(OrganisationKind(r.organisation_kind).label)
    narrative, last_before = [], None
    for u in sorted(updates, key=lambda u: (u.reported_on, u.created_at, u.pk)):
        if u.municipality_id and municipality is not None and u.municipality_id != municipality.pk:
            continue  # a council reads its own part, not the other members'
        if start <= u.reported_on <= cutoff:
            narrative.append(NarrativeEntry.of(u))
        elif u.reported_on < start and not (u.municipality_id or u.partner_id):
            last_before = NarrativeEntry.of(u)
    is_open = r.phase not in CLOSED_PHASES
    responsible = people[r.responsible_id].name if r.responsible_id in people else ""
    row = MeasureRow(
        id=r.id, number=r.number, title=r.title, strategy_id=r.strategy_id, phase=r.phase,
        phase_label=str(Phase(r.phase).label), light=r.traffic_light,
        light_label=str(TrafficLight(r.traffic_light).label), light_reason=r.light_reason,
        status_text=r.status_text, follow_up_text=r.follow_up_text,
        follow_up_responsible=r.follow_up_responsible, follow_up_due=r.follow_up_due,
        participants=sorted(name(mid) for mid in m.participant_ids), organisation=organisation,
        responsible=responsible, budget=format_nok(nok_to_ore(r.budget)) if r.budget is not None else "",
        is_internal=r.visibility != "published", narrative=narrative,
        last_before=None if any(not e.is_part for e in narrative) else last_before,
        follow_up_overdue=bool(is_open and r.follow_up_due and r.follow_up_due < cutoff), is_open=is_open,
    )
    if old is None:
        row.is_new = True
    else:
        row.changes = _changes(old, m, name)
    return row


def _changes(old: MeasureAsOf, new: MeasureAsOf, name) -> list[tuple[str, str, str]]:
    out = field_changes(old.record, new.record, model=Measure, fields=list(DIFF_FIELDS), summarise=LONG_TEXT_FIELDS)
    if old.participant_ids != new.participant_ids:
        joined = sorted(name(i) for i in set(new.participant_ids) - set(old.participant_ids))
        left = sorted(name(i) for i in set(old.participant_ids) - set(new.participant_ids))
        if joined:
            out.append((_("Nye deltakere"), "", ", ".join(joined)))
        if left:
            out.append((_("Ikke lenger med"), "", ", ".join(left)))
    return out


def _strategy_groups(in_scope: list[MeasureAsOf], rows: dict[int, MeasureRow], moment) -> list[StrategyGroup]:
    ids = {m.record.strategy_id for m in in_scope if m.record.strategy_id}
    strategies = strategies_as_of(ids, moment)
    groups: dict[int | None, list[MeasureRow]] = defaultdict(list)
    for m in in_scope:
        groups[m.record.strategy_id if m.record.strategy_id in strategies else None].append(rows[m.measure_id])
    out = []
    for sid, measures in groups.items():
        s = strategies.get(sid)
        measures.sort(key=lambda r: (_number_key(r.number), r.title))
        out.append(StrategyGroup(number=s.number if s else None, title=s.title if s else _("Tiltak uten strategi"),
                                 goal=s.goal if s else "", measures=measures))
    return sorted(out, key=lambda g: (g.number is None, g.number or 0))


def _agreement_row(a, participant_ids: list[int], name) -> AgreementRow:
    return AgreementRow(
        service=a.service, host=name(a.host_id),
        legal_basis=str(dict(HostAgreement.LegalBasis.choices).get(a.legal_basis, a.legal_basis)),
        positions=a.positions, participants=[name(i) for i in participant_ids if i != a.host_id],
        annual_cost=format_nok(nok_to_ore(a.annual_cost)) if a.annual_cost is not None else "")


def _municipality_totals(members, portfolio, agreements, distribution) -> list[MunicipalityTotal]:
    out = []
    for m in members:
        hosted = [a for a, _ps in agreements if a.host_id == m.pk]
        out.append(MunicipalityTotal(
            name=m.name, official_names=m.official_names,
            measures=sum(1 for x in portfolio if m.pk in x.participant_ids),
            hosted=len(hosted), positions=sum((a.positions for a in hosted), Decimal(0)),
            payments_ore=distribution.total_ore(m.pk)))
    return out


def _decisions(rows: list[MeasureRow], cutoff: dt.date, awaiting: list[tuple[str, str, str]],
               councils_awaiting=()) -> list[Decision]:
    """What the councils must decide or follow up: follow-ups whose deadline
    had passed at the cut-off (first), joint council cases and agreements
    waiting for a council's decision, proposals waiting for a decision,
    decided measures not yet started, and follow-ups due in the coming year."""
    horizon = years_after(cutoff, 1)
    out = []
    for r in rows:
        title = f"{r.number} {r.title}".strip()
        if not r.is_open:
            continue
        if r.follow_up_overdue:
            out.append(Decision(title=title, kind=_("Oppfølging over frist"), what=r.follow_up_text,
                                who=r.follow_up_responsible, due=r.follow_up_due, overdue=True))
        elif r.phase == Phase.PROPOSED:
            out.append(Decision(title=title, kind=_("Forslag som venter på vedtak"), what=r.follow_up_text,
                                who=r.follow_up_responsible, due=r.follow_up_due))
        elif r.phase == Phase.DECIDED:
            out.append(Decision(title=title, kind=_("Vedtatt, skal settes i gang"), what=r.follow_up_text,
                                who=r.follow_up_responsible, due=r.follow_up_due))
        elif r.follow_up_due and cutoff <= r.follow_up_due <= horizon:
            out.append(Decision(title=title, kind=_("Oppfølging med frist"), what=r.follow_up_text,
                                who=r.follow_up_responsible, due=r.follow_up_due))
    for service, council, host in awaiting:
        out.append(Decision(title=service, kind=_("Avtale som venter på vedtak i kommunestyret"),
                            what=_("Vertskommuneavtale med %(host)s som vertskommune") % {"host": host}, who=council,
                            due=None))
    for council_case, councils in councils_awaiting:
        out.append(Decision(title=council_case.title, kind=_("Felles sak som venter på vedtak i kommunestyret"),
                            what=council_case.proposed_decision,
                            who=", ".join(_("%(name)s kommunestyre") % {"name": n} for n in councils), due=None))
    order = {True: 0, False: 1}
    return sorted(out, key=lambda d: (order[d.overdue], d.due or dt.date.max, d.title))


def _bodies(collaboration: Collaboration, moment: dt.datetime) -> list[BodyRow]:
    """The collaboration's bodies and their members as they stood at `moment`."""
    day = moment.date()
    bodies = latest_as_of(Body.history.model.objects.filter(collaboration_id=collaboration.pk), moment)
    if not bodies:  # bodies loaded without history are taken as they are now
        bodies = list(collaboration.bodies.all())
    body_ids = [b.id for b in bodies]
    members_then = latest_as_of(BodyMember.history.model.objects.filter(body_id__in=body_ids), moment) \
        or list(BodyMember.objects.filter(body_id__in=body_ids))
    people = Person.objects.in_bulk({bm.person_id for bm in members_then})
    members = defaultdict(list)
    for bm in members_then:
        person = people.get(bm.person_id)
        if person is not None and is_active_on(bm.starts_on, bm.ends_on, day):
            members[bm.body_id].append(f"{person.name} ({bm.role})" if bm.role else person.name)
    kinds = dict(Body.Kind.choices)
    return [BodyRow(name=b.name, kind=str(kinds.get(b.kind, b.kind)), members=sorted(members.get(b.id, [])))
            for b in sorted(bodies, key=lambda b: (b.kind, b.name))]


def content_for_job(job: ReportJob) -> ReportContent:
    return build_content(collaboration=job.collaboration, report_type=job.report_type, year=job.year,
                         cutoff=job.cutoff, municipality=job.municipality, include_internal=job.include_internal)
