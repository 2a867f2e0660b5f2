"""Checking the rows of an import against the collaboration as it is now,
and the template file with an example row that imports as it stands."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..portfolio.models import BudgetRecurrence, OrganisationKind, Phase, PlanPeriod, Strategy, TrafficLight
from ..portfolio.selectors import current_plan
from ..registry.models import Collaboration, Municipality, OutsidePartner, Person
from ..registry.selectors import members_on
from .forms import MeasureRowForm, split
from .parsing import COLUMNS, HEADER, ImportRow, MeasureDraft, ParsedFile, RowError


@dataclass
class _Lookups:
    """Everything the rows are checked against, loaded once per file."""

    collaboration: Collaboration
    plan: PlanPeriod | None
    strategies: dict[int, Strategy]
    members: list[Municipality]
    member_by_key: dict[str, Municipality]
    partners: dict[str, OutsidePartner]
    people: dict[str, list[Person]]
    titles: set[str]

    @classmethod
    def load(cls, collaboration: Collaboration, rows: list[ImportRow]) -> _Lookups:
        plan = current_plan(collaboration)
        strategies = {s.number: s for s in Strategy.objects.filter(plan=plan)} if plan else {}
        members = members_on(collaboration, timezone.localdate())
        member_by_key = {}
        for m in members:
            for key in (m.number, m.name, m.sami_name, m.kven_name):
                if key:
                    member_by_key[key.casefold()] = m
        partner_names = {n.casefold() for r in rows for n in split(str(r.values.get("partners", "")))}
        person_names = {str(r.values.get("responsible", "")).casefold() for r in rows} - {""}
        partners = {p.key: p for p in OutsidePartner.objects.annotate(key=Lower("name")).filter(key__in=partner_names)}
        people: dict[str, list[Person]] = {}
        for p in Person.objects.annotate(key=Lower("name")).filter(key__in=person_names).order_by("pk"):
            people.setdefault(p.key, []).append(p)
        titles = {t.casefold() for t in collaboration.measures.values_list("title", flat=True)}
        return cls(collaboration, plan, strategies, members, member_by_key, partners, people, titles)


def validate(rows: list[ImportRow], collaboration: Collaboration) -> tuple[list[MeasureDraft], list[RowError]]:
    """Check every row; return the drafts and every error (row by row, in
    column order). The import goes ahead only when there are no errors."""
    lookups = _Lookups.load(collaboration, rows)
    drafts, errors, first_row_of_title = [], [], {}
    for row in rows:
        form = MeasureRowForm(row.values, lookups=lookups)
        valid = form.is_valid()
        for name, messages in form.errors.items():
            errors.extend(RowError(row.number, HEADER.get(name, ""), str(m)) for m in messages)
        title = form.cleaned_data.get("title")
        if title:
            earlier = first_row_of_title.setdefault(title.casefold(), row.number)
            if earlier != row.number:
                errors.append(RowError(row.number, HEADER["title"],
                                       _("Samme tittel står også i rad %(row)d.") % {"row": earlier}))
                continue
        if valid:
            drafts.append(form.draft(row.number))
    return drafts, errors


def check(parsed: ParsedFile, collaboration: Collaboration) -> tuple[list[MeasureDraft], list[RowError]]:
    """`validate` for what the preview read: the errors found when reading
    the file (a cell with a formula without a value, a character that cannot
    be saved) come first in their row, and replace what the row form would
    say about the same cell (the cell counts as empty)."""
    if not parsed.rows:
        return [], list(parsed.errors)
    drafts, errors = validate(parsed.rows, collaboration)
    if not parsed.errors:
        return drafts, errors
    unreadable = {(e.row, e.column) for e in parsed.errors}
    rows = {e.row for e in parsed.errors}
    errors = sorted([*parsed.errors, *(e for e in errors if (e.row, e.column) not in unreadable)],
                    key=lambda e: e.row or 0)
    return [d for d in drafts if d.row not in rows], errors


# ---------------------------------------------------------------- the template

def template_rows(collaboration: Collaboration) -> list[list[str]]:
    """The headers and one example row that imports as it stands. The file
    format is Norwegian whatever the interface language, so the example is
    written in bokmål (the importer reads Norwegian labels)."""
    with translation.override("nb"):
        return _template_rows(collaboration)


def _template_rows(collaboration: Collaboration) -> list[list[str]]:
    plan = current_plan(collaboration)
    strategy = Strategy.objects.filter(plan=plan).order_by("number").first() if plan else None
    members = members_on(collaboration, timezone.localdate())
    participants = _("alle unntatt %(name)s") % {"name": members[-1].name} if len(members) > 1 else _("alle")
    example = {
        "strategy": str(strategy.number) if strategy else "", "title": _("Felles innkjøpsordning (eksempel)"),
        "description": _("Felles innkjøp av varer og tjenester for medlemskommunene."),
        "responsible": "Kari Nordmann", "participants": participants, "partners": "",
        "organisation": str(OrganisationKind.PROJECT_GROUP.label), "phase": str(Phase.STUDY.label),
        "traffic_light": str(TrafficLight.AMBER.label),
        "light_reason": _("Avventer vedtak i kommunestyrene."),
        "status_text": _("Utredning startet."), "follow_up_text": _("Sak til kommunestyrene."),
        "follow_up_due": f"31.12.{timezone.localdate().year + 1}", "budget": "100 000,-",
        "budget_recurrence": str(BudgetRecurrence.ONCE.label), "budget_year": str(timezone.localdate().year + 1),
        "potential": "7",
        "feasibility": "5", "visibility": "publisert",
    }
    return [[header for _k, header in COLUMNS], [example[key] for key, _h in COLUMNS]]
