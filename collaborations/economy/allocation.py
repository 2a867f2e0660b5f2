"""Cost allocation (kostnadsfordeling) under a cost key.

A key is a fixed share split equally among the paying members plus a share
split by population at 1 January of the key's population year ("20/80": 20 %
equal, 80 % by population). Amounts are in øre (integers) so that the shares
add up exactly to the total; the øre left over by rounding go to the members
with the largest remainders (Hamilton's method), ties broken by municipality
number so the result is reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext as _


class CostAllocationError(ValueError):
    """The allocation cannot be computed; the message says why, in Norwegian."""


@dataclass(frozen=True)
class Share:
    key: str            # municipality number (or any stable id)
    name: str
    population: int
    fixed_ore: Fraction
    population_ore: Fraction
    amount_ore: int     # the rounded share; all of them add up to the total


def allocate(total_ore: int, *, fixed_percent: Decimal | int, population_percent: Decimal | int,
             members: list[tuple[str, str, int | None]], population_year: int | None = None) -> list[Share]:
    """Split `total_ore` among `members` = [(number, name, population or None)].

    Raises CostAllocationError if the percentages do not sum to 100, a member
    has no population for the year, there are no members, or the total is
    negative.
    """
    fixed = Fraction(Decimal(fixed_percent))
    by_pop = Fraction(Decimal(population_percent))
    if fixed < 0 or by_pop < 0 or fixed + by_pop != 100:
        raise CostAllocationError(
            _("Kostnadsnøkkelen må summere til 100 %%, men %(f)s + %(p)s = %(s)s %%.")
            % {"f": fixed_percent, "p": population_percent, "s": Decimal(fixed_percent) + Decimal(population_percent)})
    if total_ore < 0:
        raise CostAllocationError(_("Beløpet som skal fordeles kan ikke være negativt."))
    if not members:
        raise CostAllocationError(_("Det er ingen kommuner å fordele kostnadene på."))
    missing = [name for _key, name, pop in members if pop is None]
    if missing:
        year = f" {population_year}" if population_year else ""
        raise CostAllocationError(
            _("Mangler innbyggertall per 1.1.%(year)s for %(names)s.") % {"year": year.strip(), "names": ", ".join(missing)})
    if any(pop < 0 for _k, _n, pop in members):
        raise CostAllocationError(_("Innbyggertall kan ikke være negativt."))
    keys = [k for k, _n, _p in members]
    if len(set(keys)) != len(keys):
        raise CostAllocationError(_("Samme kommune står flere ganger i fordelingen."))

    total_population = sum(pop for _k, _n, pop in members)
    if total_population == 0 and by_pop > 0:
        raise CostAllocationError(_("Samlet innbyggertall er 0; andelen etter innbyggertall kan ikke fordeles."))
    fixed_pool = Fraction(total_ore) * fixed / 100
    population_pool = Fraction(total_ore) * by_pop / 100
    n = len(members)
    exact = []
    for key, name, pop in members:
        f = fixed_pool / n
        p = population_pool * pop / total_population if total_population else Fraction(0)
        exact.append((key, name, pop, f, p, f + p))

    floors = [int(e[5]) for e in exact]  # exact shares are non-negative, so int() floors
    leftover = total_ore - sum(floors)
    order = sorted(range(n), key=lambda i: (-(exact[i][5] - floors[i]), exact[i][0]))
    for i in order[:leftover]:
        floors[i] += 1
    return [Share(key=e[0], name=e[1], population=e[2], fixed_ore=e[3], population_ore=e[4], amount_ore=floors[i])
            for i, e in enumerate(exact)]


def nok_to_ore(amount: Decimal | int | str) -> int:
    value = Decimal(str(amount)) * 100
    if value != value.to_integral_value():
        raise CostAllocationError(_("Beløpet kan ha høyst to desimaler (øre)."))
    return int(value)


def format_nok(ore: int) -> str:
    """Norwegian formatting: 1 234 567,89 kr (non-breaking spaces)."""
    sign = "−" if ore < 0 else ""
    kroner, rest = divmod(abs(ore), 100)
    grouped = f"{kroner:,}".replace(",", "\u00a0")
    return f"{sign}{grouped},{rest:02d}\u00a0kr"
