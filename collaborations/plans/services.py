"""Writes to plan periods and strategies: create, edit (with conflict
detection through the history tables), close, and revise a plan ("rullering").

Every function is keyword-only, takes the acting user and a reason, runs in
one transaction, keeps history (django-simple-history, with user and reason)
and writes an audit event. Plans and strategies have no version column: the
newest history row stands in for it (`expected_history_id`), so a form opened
before someone else saved is refused with what they changed.

Revising a plan opens a new plan period from the old one: the kept strategies
are copied into it (renumbered as chosen), the measures that carry over move,
as the same rows with their history, to the new copy of their strategy, the
others are closed with `measure_close`, and the old plan is closed the day
before the new one takes effect.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access.audit import audit_record, require_reason, user_or_none
from ..access.models import AuditEvent
from ..common.concurrency import refuse_if_changed
from ..common.dates import norwegian_date
from ..common.errors import DomainError
from ..portfolio.models import CLOSED_PHASES, PlanPeriod, Strategy
from ..portfolio.services import measure_close, measure_update, plan_save, strategy_save
from ..registry.models import Membership
from .selectors import open_measures

CARRY = "carry"
PLAN_FIELDS = ("title", "start_year", "end_year", "adopted_on", "adopted_by", "source")
STRATEGY_FIELDS = ("number", "title", "challenge", "goal", "expected_result", "responsible")


def _apply(obj, changes: dict[str, Any], *, allowed: tuple[str, ...], service: str) -> None:
    """Copy the form's changes onto `obj`; a field the service may not change is a programming error."""
    for field, value in changes.items():
        if field not in allowed:
            raise TypeError(f"{service} cannot change {field}")
        setattr(obj, field, value)


def _check_plan(plan: PlanPeriod) -> None:
    errors: dict[str, str] = {}
    if plan.start_year and plan.end_year and plan.end_year < plan.start_year:
        errors["end_year"] = _("Planperioden kan ikke slutte før den begynner.")
    if plan.adopted_by_id and plan.adopted_by.collaboration_id != plan.collaboration_id:
        errors["adopted_by"] = _("Organet hører til et annet samarbeid.")
    taken = PlanPeriod.objects.filter(collaboration_id=plan.collaboration_id, start_year=plan.start_year,
                                      title=plan.title).exclude(pk=plan.pk)
    if plan.title and plan.start_year and taken.exists():
        errors["title"] = _("Samarbeidet har allerede en plan med denne tittelen som begynner samme år.")
    if errors:
        raise DomainError(errors)


def _check_strategy(strategy: Strategy) -> None:
    errors: dict[str, str] = {}
    if Strategy.objects.filter(plan_id=strategy.plan_id, number=strategy.number).exclude(pk=strategy.pk).exists():
        errors["number"] = _("Planen har allerede en strategi med nummer %(n)s.") % {"n": strategy.number}
    if strategy.responsible_id:
        municipality_id = strategy.responsible.municipality_id
        member = Membership.objects.filter(collaboration_id=strategy.plan.collaboration_id,
                                           municipality_id=municipality_id).exists()
        if municipality_id is None or not member:
            errors["responsible"] = _("Den saksansvarlige må høre til en av kommunene i samarbeidet.")
    if errors:
        raise DomainError(errors)


# ---------------------------------------------------------------- plans

@transaction.atomic
def plan_create(*, acting_user, reason: str, collaboration, **fields: Any) -> PlanPeriod:
    """A new plan period of `collaboration` (fields: PLAN_FIELDS)."""
    require_reason(reason, _("Skriv kort hvorfor planen registreres."))
    plan = PlanPeriod(collaboration=collaboration, **{k: v for k, v in fields.items() if k in PLAN_FIELDS})
    _check_plan(plan)
    return plan_save(acting_user=acting_user, reason=reason, plan=plan)


@transaction.atomic
def plan_update(*, acting_user, reason: str, plan: PlanPeriod, expected_history_id: int | None,
                **changes: Any) -> PlanPeriod:
    """Change a plan's own fields (PLAN_FIELDS); refused if someone saved it since the form was opened."""
    require_reason(reason, _("Skriv kort hvorfor planen endres."))
    current = PlanPeriod.objects.select_for_update().get(pk=plan.pk)
    refuse_if_changed(current, expected_history_id)
    _apply(current, changes, allowed=PLAN_FIELDS, service="plan_update")
    _check_plan(current)
    return plan_save(acting_user=acting_user, reason=reason, plan=current)


def _close(plan: PlanPeriod, *, acting_user, reason: str, closed_on: dt.date, successor=None) -> PlanPeriod:
    plan.closed_on = closed_on
    plan._history_user, plan._change_reason = user_or_none(acting_user), reason
    plan.full_clean()
    plan.save(update_fields=["closed_on"])
    new = {_("Avsluttet"): norwegian_date(closed_on)}
    if successor is not None:
        new[_("Avløst av")] = str(successor)
    audit_record(AuditEvent.Kind.PLAN_CLOSED, acting_user=acting_user, reason=reason, obj=plan,
                 collaboration=plan.collaboration, old={_("Avsluttet"): "—"}, new=new)
    return plan


@transaction.atomic
def plan_close(*, acting_user, plan: PlanPeriod, closed_on: dt.date, reason: str) -> PlanPeriod:
    """Close a plan without a successor: it no longer applies from the day after `closed_on`."""
    require_reason(reason, _("Skriv kort hvorfor planen avsluttes."))
    current = PlanPeriod.objects.select_for_update().select_related("collaboration").get(pk=plan.pk)
    if current.closed_on is not None:
        raise DomainError(_("Planen ble allerede avsluttet %(date)s.") % {"date": norwegian_date(current.closed_on)})
    if closed_on < dt.date(current.start_year, 1, 1):
        raise DomainError({"closed_on": _("Planen kan ikke avsluttes før den begynte (01.01.%(year)s).")
                           % {"year": current.start_year}})
    return _close(current, acting_user=acting_user, reason=reason, closed_on=closed_on)


# ---------------------------------------------------------------- strategies

@transaction.atomic
def strategy_create(*, acting_user, reason: str, plan: PlanPeriod, **fields: Any) -> Strategy:
    """A new strategy in `plan` (fields: STRATEGY_FIELDS). A closed plan takes no new strategies."""
    require_reason(reason, _("Skriv kort hvorfor strategien registreres."))
    if plan.closed_on is not None:
        raise DomainError(_("Planen er avsluttet og kan ikke få nye strategier."))
    strategy = Strategy(plan=plan, **{k: v for k, v in fields.items() if k in STRATEGY_FIELDS})
    _check_strategy(strategy)
    return strategy_save(acting_user=acting_user, reason=reason, strategy=strategy)


@transaction.atomic
def strategy_update(*, acting_user, reason: str, strategy: Strategy, expected_history_id: int | None,
                    **changes: Any) -> Strategy:
    """Change a strategy's number, texts or responsible chief executive; the texts keep their history."""
    require_reason(reason, _("Skriv kort hvorfor strategien endres."))
    current = Strategy.objects.select_for_update().select_related("plan").get(pk=strategy.pk)
    refuse_if_changed(current, expected_history_id)
    _apply(current, changes, allowed=STRATEGY_FIELDS, service="strategy_update")
    _check_strategy(current)
    return strategy_save(acting_user=acting_user, reason=reason, strategy=current)


# ---------------------------------------------------------------- revision ("rullering")

def takes_effect(start_year: int, adopted_on: dt.date | None) -> dt.date:
    """The day a plan takes over: 1 January of its first year, or its adoption if that comes later."""
    first = dt.date(start_year, 1, 1)
    return max(first, adopted_on) if adopted_on else first


def _renumbered(number: str, old: int, new: int) -> str:
    """A measure's number "1.2" follows its strategy from 1 to `new`: "3.2"."""
    prefix = f"{old}."
    return f"{new}.{number[len(prefix):]}" if old != new and number.startswith(prefix) else number


@transaction.atomic
def plan_revise(*, acting_user, plan: PlanPeriod, reason: str, title: str, start_year: int, end_year: int,
                adopted_on: dt.date | None = None, adopted_by=None, source: str = "",
                strategy_numbers: dict[int, int | None], measure_decisions: dict[int, str],
                measure_versions: dict[int, int] | None = None) -> PlanPeriod:
    """Revise `plan` ("rullering"): open the next plan period and close this one.

    `strategy_numbers`: each strategy of the old plan → its number in the new
    plan, or None to leave it behind. `measure_decisions`: each open measure →
    CARRY (the same row moves to the new copy of its strategy, keeping its
    history) or a closed phase (closed with that final phase). Errors are
    keyed `strategy_<id>` / `measure_<id>`, as the revision form names them.
    `measure_versions` (from the form) detects measures saved meanwhile.

    The old plan is closed the day before the new one takes effect (1 January
    of its first year, or its adoption if later); measures are closed that day,
    or today if that day is still ahead. One transaction: any error leaves
    nothing changed.
    """
    reason = require_reason(reason, _("Skriv kort hvorfor planen rulleres."))
    old = PlanPeriod.objects.select_for_update().select_related("collaboration").get(pk=plan.pk)
    if old.closed_on is not None:
        raise DomainError(_("Planen ble avsluttet %(date)s og kan ikke rulleres.")
                          % {"date": norwegian_date(old.closed_on)})
    errors: dict[str, str] = {}
    if start_year <= old.start_year:
        errors["start_year"] = _("Den nye planen må begynne etter %(year)s, da den gamle begynte.") % {
            "year": old.start_year}
    strategies = {s.pk: s for s in old.strategies.select_related("responsible")}
    kept = {sid: n for sid, n in strategy_numbers.items() if sid in strategies and n is not None}
    seen: dict[int, int] = {}
    for sid, number in sorted(kept.items(), key=lambda item: strategies[item[0]].number):
        if number < 1:
            errors[f"strategy_{sid}"] = _("Nummeret må være 1 eller høyere.")
        elif number in seen:
            errors[f"strategy_{sid}"] = _("Nummer %(n)s er allerede gitt til strategien «%(title)s».") % {
                "n": number, "title": strategies[seen[number]].title}
        else:
            seen[number] = sid
    measures = list(open_measures(old).select_for_update().order_by("strategy__number", "position", "title"))
    for m in measures:
        decision = measure_decisions.get(m.pk)
        if decision is None:
            errors[f"measure_{m.pk}"] = _("Velg om tiltaket videreføres eller avsluttes.")
        elif decision == CARRY and m.strategy_id not in kept:
            errors[f"measure_{m.pk}"] = _("Strategien til tiltaket tas ikke med i den nye planen. Gi strategien "
                                          "et nummer, eller avslutt tiltaket.")
        elif decision != CARRY and decision not in CLOSED_PHASES:
            errors[f"measure_{m.pk}"] = _("Velg «Videreføres», «Avsluttet» eller «Stanset».")
    if errors:
        raise DomainError(errors)

    new = PlanPeriod(collaboration=old.collaboration, title=title, start_year=start_year, end_year=end_year,
                     adopted_on=adopted_on, adopted_by=adopted_by, source=source, revises=old)
    _check_plan(new)
    plan_save(acting_user=acting_user, reason=reason, plan=new)

    copies: dict[int, Strategy] = {}
    for sid, number in sorted(kept.items(), key=lambda item: item[1]):
        s = strategies[sid]
        copy = Strategy(plan=new, number=number, title=s.title, challenge=s.challenge, goal=s.goal,
                        expected_result=s.expected_result, responsible=s.responsible)
        copies[sid] = strategy_save(acting_user=acting_user, reason=reason, strategy=copy)

    closing_day = takes_effect(start_year, adopted_on) - dt.timedelta(days=1)
    measures_closed_on = min(closing_day, timezone.localdate())
    versions = measure_versions or {}
    carried, closed = [], []
    for m in measures:
        decision = measure_decisions[m.pk]
        try:
            if decision == CARRY:
                copy = copies[m.strategy_id]
                changes: dict[str, Any] = {"strategy": copy}
                number = _renumbered(m.number, strategies[m.strategy_id].number, copy.number)
                if number != m.number:
                    changes["number"] = number
                measure_update(acting_user=acting_user, measure=m, expected_version=versions.get(m.pk, m.version),
                               reason=reason, **changes)
                carried.append(m.title)
            else:
                measure_close(acting_user=acting_user, measure=m, final_phase=decision, closed_on=measures_closed_on,
                              reason=reason, expected_version=versions.get(m.pk, m.version))
                closed.append(m.title)
        except ValidationError as error:  # a DomainError, or a measure that no longer passes its own checks
            raise DomainError({f"measure_{m.pk}": [str(message) for message in error.messages]}) from None

    _close(old, acting_user=acting_user, reason=reason, closed_on=closing_day, successor=new)
    renumbering = ", ".join(
        f"{strategies[sid].number} → {kept[sid]}" if sid in kept else _("%(n)s tas ikke med") % {
            "n": strategies[sid].number}
        for sid in sorted(strategies, key=lambda i: strategies[i].number))
    audit_record(AuditEvent.Kind.PLAN_REVISED, acting_user=acting_user, reason=reason, obj=new,
                 collaboration=old.collaboration, old={_("Plan"): str(old)},
                 new={_("Plan"): str(new), _("Strategier"): renumbering or "—",
                      _("Tiltak videreført"): ", ".join(carried) or "—",
                      _("Tiltak avsluttet"): ", ".join(closed) or "—",
                      _("Gammel plan avsluttet"): norwegian_date(closing_day)})
    return new
