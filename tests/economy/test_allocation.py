"""Cost allocation: shares in øre that add up exactly to the total."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collaborations.economy.allocation import CostAllocationError, allocate, format_nok, nok_to_ore

populations = st.lists(st.integers(min_value=0, max_value=700_000), min_size=1, max_size=12)
totals = st.integers(min_value=0, max_value=10**12)
fixed_percents = st.integers(min_value=0, max_value=100)


def members(pops):
    return [(f"{5400 + i}", f"Kommune {i}", p) for i, p in enumerate(pops)]


def exact(total, fixed, pops):
    n, total_pop = len(pops), sum(pops)
    return [Fraction(total * fixed, 100 * n) + (Fraction(total * (100 - fixed) * p, 100 * total_pop)
                                                  if total_pop else 0) for p in pops]


@settings(max_examples=300)
@given(total=totals, fixed=fixed_percents, pops=populations)
def test_it_adds_up_exactly_and_stays_within_one_ore(total, fixed, pops):
    if sum(pops) == 0 and fixed < 100:
        pops = [p + 1 for p in pops]
    shares = allocate(total, fixed_percent=fixed, population_percent=100 - fixed, members=members(pops))
    assert sum(s.amount_ore for s in shares) == total
    for share, want in zip(shares, exact(total, fixed, pops)):
        assert abs(share.amount_ore - want) < 1
        assert share.fixed_ore + share.population_ore == want


@given(total=totals, fixed=fixed_percents, population=st.integers(min_value=1, max_value=100_000),
       n=st.integers(min_value=1, max_value=10))
def test_it_splits_equal_populations_within_one_ore(total, fixed, population, n):
    shares = allocate(total, fixed_percent=fixed, population_percent=100 - fixed, members=members([population] * n))
    amounts = [s.amount_ore for s in shares]
    assert max(amounts) - min(amounts) <= 1


@given(total=totals, pops=populations)
def test_it_splits_a_fixed_key_equally(total, pops):
    shares = allocate(total, fixed_percent=100, population_percent=0, members=members(pops))
    amounts = [s.amount_ore for s in shares]
    assert max(amounts) - min(amounts) <= 1 and sum(amounts) == total


@given(total=totals, fixed=fixed_percents, pops=populations)
def test_it_is_deterministic_and_independent_of_order(total, fixed, pops):
    pops = [p + 1 for p in pops]
    first = allocate(total, fixed_percent=fixed, population_percent=100 - fixed, members=members(pops))
    again = allocate(total, fixed_percent=fixed, population_percent=100 - fixed, members=members(pops))
    reversed_ = allocate(total, fixed_percent=fixed, population_percent=100 - fixed,
                         members=list(reversed(members(pops))))
    assert first == again
    assert {s.key: s.amount_ore for s in first} == {s.key: s.amount_ore for s in reversed_}


@given(fixed=st.decimals(min_value=0, max_value=100, places=2), population=st.decimals(
    min_value=0, max_value=100, places=2))
def test_it_refuses_percentages_not_summing_to_100(fixed, population):
    if fixed + population == 100:
        return
    with pytest.raises(CostAllocationError) as exc:
        allocate(100, fixed_percent=fixed, population_percent=population, members=members([10]))
    assert str(exc.value) == (f"Kostnadsnøkkelen må summere til 100 %, men {fixed} + {population} = "
                              f"{fixed + population} %.")


def test_it_refuses_20_70_with_the_norwegian_message():
    with pytest.raises(CostAllocationError) as exc:
        allocate(100, fixed_percent=20, population_percent=70, members=members([10]))
    assert str(exc.value) == "Kostnadsnøkkelen må summere til 100 %, men 20 + 70 = 90 %."


def test_it_names_members_without_population():
    with pytest.raises(CostAllocationError) as exc:
        allocate(100, fixed_percent=20, population_percent=80, population_year=2024,
                 members=[("5036", "Grong", 2411), ("5044", "Namsskogan", None), ("5042", "Lierne", None)])
    assert str(exc.value) == "Mangler innbyggertall per 1.1.2024 for Namsskogan, Lierne."


def test_it_splits_one_million_20_80_in_indre_namdal():
    """By hand: 5 012 inhabitants. Fixed 200 000 kr / 4 = 50 000 kr each.
    Population 800 000 kr × share: Røyrvik 459/5012 → 73 264,166 kr, Lierne
    1314/5012 → 209 736,632 kr, Namsskogan 828/5012 → 132 162,809 kr, Grong
    2411/5012 → 384 836,393 kr. Floors in øre add up to 99 999 998; the two
    øre left go to the largest remainders, Namsskogan (,93) and Røyrvik (,60)."""
    shares = allocate(nok_to_ore(1_000_000), fixed_percent=Decimal(20), population_percent=Decimal(80),
                      members=[("5043", "Røyrvik", 459), ("5042", "Lierne", 1314), ("5044", "Namsskogan", 828),
                               ("5046", "Grong", 2411)])
    assert {s.name: s.amount_ore for s in shares} == {
        "Røyrvik": 12_326_417, "Lierne": 25_973_663, "Namsskogan": 18_216_281, "Grong": 43_483_639}
    assert sum(s.amount_ore for s in shares) == 100_000_000
    assert format_nok(shares[3].amount_ore) == "434\u00a0836,39\u00a0kr"


def test_it_refuses_negative_totals_no_members_and_duplicates():
    with pytest.raises(CostAllocationError, match="kan ikke være negativt"):
        allocate(-1, fixed_percent=100, population_percent=0, members=members([1]))
    with pytest.raises(CostAllocationError, match="Det er ingen kommuner å fordele kostnadene på."):
        allocate(1, fixed_percent=100, population_percent=0, members=[])
    with pytest.raises(CostAllocationError, match="Samme kommune står flere ganger i fordelingen."):
        allocate(1, fixed_percent=100, population_percent=0, members=[("1", "A", 1), ("1", "A", 1)])


def test_it_refuses_more_than_two_decimals():
    with pytest.raises(CostAllocationError) as exc:
        nok_to_ore("10.005")
    assert str(exc.value) == "Beløpet kan ha høyst to desimaler (øre)."
