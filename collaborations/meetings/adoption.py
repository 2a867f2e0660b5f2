"""Where a joint council case stands: how many member councils have adopted
it, who is missing, and whether the rule it states is met ("trer i kraft når
alle fire kommunestyrer har vedtatt; 3 av 4 har vedtatt (Tana mangler)")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..common.dates import norwegian_date
from .models import CouncilCase, CouncilDecision

NUMBER_WORDS = {1: gettext_lazy("ett"), 2: gettext_lazy("to"), 3: gettext_lazy("tre"), 4: gettext_lazy("fire"),
                5: gettext_lazy("fem"), 6: gettext_lazy("seks"), 7: gettext_lazy("sju"), 8: gettext_lazy("åtte"),
                9: gettext_lazy("ni"), 10: gettext_lazy("ti"), 11: gettext_lazy("elleve"), 12: gettext_lazy("tolv")}


def in_words(n: int) -> str:
    return str(NUMBER_WORDS.get(n, n))


def names(municipalities) -> str:
    """«Tana», «Berlevåg og Tana», «Båtsfjord, Nesseby og Tana»."""
    items = [m.name for m in municipalities]
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s og %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


@dataclass
class Adoption:
    rule: str
    decisions: list[CouncilDecision]

    @property
    def total(self) -> int:
        return len(self.decisions)

    @property
    def required(self) -> int:
        return self.total if self.rule == CouncilCase.Rule.ALL else self.total // 2 + 1

    @property
    def adopted(self) -> list[CouncilDecision]:
        return [d for d in self.decisions if d.adopted]

    @property
    def rejected(self) -> list[CouncilDecision]:
        return [d for d in self.decisions if d.outcome == CouncilDecision.Outcome.REJECTED]

    @property
    def missing(self) -> list[CouncilDecision]:
        """Councils that have not decided yet (pending or postponed)."""
        return [d for d in self.decisions if not d.adopted and d.outcome != CouncilDecision.Outcome.REJECTED]

    @property
    def in_force(self) -> bool:
        return self.total > 0 and len(self.adopted) >= self.required

    @property
    def blocked(self) -> bool:
        """Too many councils said no for the rule ever to be met."""
        return self.total - len(self.rejected) < self.required

    @property
    def in_force_from(self) -> dt.date | None:
        """The day of the decision that met the rule."""
        if not self.in_force:
            return None
        days = sorted(d.decided_on for d in self.adopted if d.decided_on)
        return days[self.required - 1] if len(days) >= self.required else None

    def condition(self) -> str:
        if self.rule == CouncilCase.Rule.ALL and self.total == 1:
            return _("kommunestyret har vedtatt")
        if self.rule == CouncilCase.Rule.ALL and self.total == 2:
            return _("begge kommunestyrene har vedtatt")
        if self.rule == CouncilCase.Rule.ALL:
            return _("alle %(n)s kommunestyrer har vedtatt") % {"n": in_words(self.total)}
        return _("et flertall av kommunestyrene (%(k)s av %(n)s) har vedtatt") % {"k": self.required, "n": self.total}

    def status(self) -> str:
        """What the page, the list and the report say about where the case stands."""
        if self.total == 0:
            return _("Ingen kommunestyrer har fått saken ennå.")
        count = _("%(k)s av %(n)s har vedtatt") % {"k": len(self.adopted), "n": self.total}
        if self.in_force:
            since = self.in_force_from
            if since:
                return _("I kraft fra %(date)s: %(count)s.") % {"date": norwegian_date(since), "count": count}
            return _("I kraft: %(count)s.") % {"count": count}
        if self.blocked:
            return _("Kan ikke tre i kraft slik den er foreslått: %(names)s har ikke vedtatt forslaget (%(count)s).") % {
                "names": names(d.municipality for d in self.rejected), "count": count}
        missing = names(d.municipality for d in self.missing)
        return _("Trer i kraft når %(condition)s; %(count)s (%(missing)s mangler).") % {
            "condition": self.condition(), "count": count, "missing": missing}


def adoption_of(council_case: CouncilCase, decisions: list[CouncilDecision] | None = None) -> Adoption:
    """`decisions`: the case's decisions with their municipalities, if already read."""
    if decisions is None:
        decisions = list(council_case.decisions.select_related("municipality").order_by("municipality__name"))
    return Adoption(council_case.rule, decisions)
